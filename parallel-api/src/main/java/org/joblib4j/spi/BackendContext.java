package org.joblib4j.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.joblib4j.ParallelConfigurationException;

/**
 * The parameters a backend is created with: joblib's {@code **backend_params}. They come, highest
 * first, from {@code Parallel.builder().backend(name, params)} or {@code
 * ParallelConfig.builder().backend(name, params)}, then the configuration keys {@code
 * joblib4j.backend.<name>.<key>} (system properties, environment, {@code joblib4j.properties}).
 *
 * <p>Keys are read the Java way whatever their spelling: {@code idle_worker_timeout} and {@code
 * Idle-Worker-Timeout} are {@code idle-worker-timeout}. A value given in code keeps its type (a
 * {@code List} is a list, a {@code Duration} a duration); a value from configuration is text and
 * the typed getters ({@code getInt}, {@code getSize}, {@code getList}...) parse it, as
 * OpenTelemetry's {@code ConfigProperties} does. A value that cannot be read fails with a {@link
 * ParallelConfigurationException} worded in one place ({@link #invalidValue}): the key, the value
 * and what is accepted.
 */
public final class BackendContext {
  private static final Pattern COMMAS = Pattern.compile("\\s*,\\s*");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final String SIZE = "a size such as 500K, 1M, 2G or a number of bytes";

  private final String backendName;
  private final Map<String, Object> parameters;

  /** The key a user wrote for a parameter given under an old name (an alias): messages use it. */
  private final Map<String, String> writtenAs;

  /**
   * Creates a context.
   *
   * @param backendName the backend's name
   * @param parameters the parameters (copied)
   * @throws ParallelConfigurationException if two keys are spellings of one
   */
  public BackendContext(String backendName, Map<String, ?> parameters) {
    this(backendName, normalized(backendName, parameters, Map.of()), Map.of());
  }

  private BackendContext(
      String backendName, Map<String, Object> parameters, Map<String, String> writtenAs) {
    this.backendName = Objects.requireNonNull(backendName, "backendName");
    this.parameters = Collections.unmodifiableMap(parameters);
    this.writtenAs = Map.copyOf(writtenAs);
  }

  /**
   * Spells a key the Java way: joblib's {@code idle_worker_timeout} is {@code idle-worker-timeout}
   * here, and case does not matter, so a user who knows joblib's (or Dask's) name is understood.
   *
   * @param key a key as written
   * @return the key as the getters read it
   */
  public static String normalize(String key) {
    return key.trim().replace('_', '-').toLowerCase(Locale.ROOT);
  }

  private static TreeMap<String, Object> normalized(
      String backendName, Map<String, ?> parameters, Map<String, String> aliases) {
    TreeMap<String, Object> keys = new TreeMap<>();
    Map<String, String> written = new TreeMap<>();
    for (Map.Entry<String, ?> e : new TreeMap<String, Object>(parameters).entrySet()) {
      String key = normalize(e.getKey());
      key = aliases.getOrDefault(key, key);
      if (keys.containsKey(key)) {
        throw new ParallelConfigurationException(
            "The option '"
                + key
                + "' of backend '"
                + backendName
                + "' is given twice (as '"
                + e.getKey()
                + "' and as '"
                + written.get(key)
                + "'): give it once.");
      }
      keys.put(key, e.getValue());
      written.put(key, e.getKey());
    }
    return keys;
  }

  /**
   * Returns a context without parameters.
   *
   * @param backendName the backend's name
   * @return the context
   */
  public static BackendContext empty(String backendName) {
    return new BackendContext(backendName, Map.of());
  }

  /**
   * Reads options given under their old names as their current ones, so a renamed option keeps
   * working. Messages about such a value name the key as the user wrote it.
   *
   * @param aliases old name to current name
   * @return the context with the old names replaced
   * @throws ParallelConfigurationException if an option is given under both names
   */
  public BackendContext withAliases(Map<String, String> aliases) {
    Map<String, String> table = new TreeMap<>();
    aliases.forEach((alias, key) -> table.put(normalize(alias), normalize(key)));
    Map<String, String> written = new TreeMap<>(writtenAs);
    for (String key : parameters.keySet()) {
      if (table.containsKey(key)) {
        written.put(table.get(key), writtenAs.getOrDefault(key, key));
      }
    }
    return new BackendContext(backendName, normalized(backendName, parameters, table), written);
  }

  /**
   * Returns the name the backend was selected by.
   *
   * @return the name
   */
  public String backendName() {
    return backendName;
  }

  /**
   * Returns every parameter.
   *
   * @return an unmodifiable, sorted map
   */
  public Map<String, Object> parameters() {
    return parameters;
  }

  /**
   * Returns a parameter as given.
   *
   * @param key the parameter's key (without the {@code joblib4j.backend.<name>.} prefix)
   * @return the value, or {@code null} if absent
   */
  public Object get(String key) {
    return parameters.get(normalize(key));
  }

  /**
   * Returns the configuration key of a parameter, as the user wrote it: {@code
   * joblib4j.backend.loky.jvm-args}.
   *
   * @param key the parameter's key
   * @return the full key
   */
  public String qualifiedKey(String key) {
    String k = normalize(key);
    return "joblib4j.backend." + backendName + "." + writtenAs.getOrDefault(k, k);
  }

  /**
   * Returns a text parameter.
   *
   * @param key the key
   * @return the value as text, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is a list, a map or an array
   */
  public String getString(String key) {
    return read(key, OptionValues::string, "a single value, not a list or a map");
  }

  /**
   * Returns a text parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value as text
   * @throws ParallelConfigurationException if the value is a list, a map or an array
   */
  public String getString(String key, String defaultValue) {
    return orDefault(getString(key), defaultValue);
  }

  /**
   * Returns a boolean parameter ({@code true}/{@code false}, case ignored).
   *
   * @param key the key
   * @return the value, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is neither
   */
  public Boolean getBoolean(String key) {
    return read(key, OptionValues::bool, "true or false");
  }

  /**
   * Returns a boolean parameter ({@code true}/{@code false}, case ignored).
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is neither
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    return orDefault(getBoolean(key), defaultValue);
  }

  /**
   * Returns an integer parameter.
   *
   * @param key the key
   * @return the value, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is not an integer of {@code int}'s range
   */
  public Integer getInt(String key) {
    return read(
        key,
        v -> {
          Long n = OptionValues.integral(v);
          return n == null || n != n.intValue() ? null : n.intValue();
        },
        "an integer");
  }

  /**
   * Returns an integer parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is not an integer of {@code int}'s range
   */
  public int getInt(String key, int defaultValue) {
    return orDefault(getInt(key), defaultValue);
  }

  /**
   * Returns a long integer parameter.
   *
   * @param key the key
   * @return the value, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is not an integer
   */
  public Long getLong(String key) {
    return read(key, OptionValues::integral, "an integer");
  }

  /**
   * Returns a long integer parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is not an integer
   */
  public long getLong(String key, long defaultValue) {
    return orDefault(getLong(key), defaultValue);
  }

  /**
   * Returns a number parameter.
   *
   * @param key the key
   * @return the value, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is not a number
   */
  public Double getDouble(String key) {
    return read(key, OptionValues::decimal, "a number");
  }

  /**
   * Returns a number parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is not a number
   */
  public double getDouble(String key, double defaultValue) {
    return orDefault(getDouble(key), defaultValue);
  }

  /**
   * Returns a size in bytes: a number of bytes, or joblib's {@code 500K}, {@code 1M}, {@code 2G}
   * (powers of 1024, case ignored).
   *
   * @param key the key
   * @return the bytes, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is not a size
   */
  public Long getSize(String key) {
    return read(key, v -> OptionValues.size(v, null), SIZE);
  }

  /**
   * Returns a size in bytes, as {@link #getSize(String)}.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the bytes
   * @throws ParallelConfigurationException if the value is not a size
   */
  public long getSize(String key, long defaultValue) {
    return orDefault(getSize(key), defaultValue);
  }

  /**
   * Returns a size in bytes that may also be {@code none} (joblib's way to switch a limit off).
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @param none returned for {@code none}
   * @return the bytes
   * @throws ParallelConfigurationException if the value is neither a size nor {@code none}
   */
  public long getSize(String key, long defaultValue, long none) {
    return orDefault(read(key, v -> OptionValues.size(v, none), SIZE + ", or none"), defaultValue);
  }

  /**
   * Returns a duration parameter: a {@link Duration}, a number of seconds, or text such as {@code
   * 300s}, {@code 500ms}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT5M}).
   *
   * @param key the key
   * @return the value, or {@code null} if absent
   * @throws ParallelConfigurationException if the value is not a duration
   */
  public Duration getDuration(String key) {
    return read(
        key,
        OptionValues::duration,
        "a duration such as 300s, 500ms, 5m or PT5M (a bare number is seconds)");
  }

  /**
   * Returns a duration parameter, as {@link #getDuration(String)}.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is not a duration
   */
  public Duration getDuration(String key, Duration defaultValue) {
    return orDefault(getDuration(key), defaultValue);
  }

  /**
   * Returns a list parameter: a {@code Collection} or an array is taken element by element, text is
   * split on commas ({@code a, b}).
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the elements as text, unmodifiable
   * @throws ParallelConfigurationException if the value is a map or holds a null or nested element
   */
  public List<String> getList(String key, List<String> defaultValue) {
    return orDefault(
        read(
            key,
            v -> OptionValues.list(v, COMMAS),
            "a list, or text with its elements separated by commas"),
        defaultValue);
  }

  /**
   * Returns a list parameter written as a command line is, such as JVM options: a {@code
   * Collection} or an array is taken element by element (an element may contain spaces), text is
   * split on spaces ({@code -Xss2m -Dx=1}).
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the elements, unmodifiable
   * @throws ParallelConfigurationException if the value is a map or holds a null or nested element
   */
  public List<String> getWords(String key, List<String> defaultValue) {
    return orDefault(
        read(
            key,
            v -> OptionValues.list(v, SPACES),
            "a list, or text with its elements separated by spaces"),
        defaultValue);
  }

  /**
   * Returns a map parameter: a {@link Map} keeps its values as given; text is {@code key=value}
   * pairs separated by {@code ,} or {@code ;} ({@code GPU=1,MEM=2e9}), whose values stay text.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the entries in their given order, unmodifiable
   * @throws ParallelConfigurationException if the value is not a map
   */
  public Map<String, Object> getMap(String key, Map<String, Object> defaultValue) {
    return orDefault(
        read(key, OptionValues::map, "a map, or key=value pairs separated by , or ;"),
        defaultValue);
  }

  /**
   * Returns a map parameter whose values are numbers ({@code GPU=1,MEM=2e9}, or a {@link Map} of
   * numbers or numeric text), as Dask's and Ray's resources are.
   *
   * @param key the key
   * @param accepted what is accepted, as the error ends "must be ..." (no final period)
   * @return the entries in their given order, unmodifiable; empty when absent
   * @throws ParallelConfigurationException if the value is not a map or one of its values is not a
   *     number, worded as {@link #invalidValue}
   */
  public Map<String, Double> getNumberMap(String key, String accepted) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : getMap(key, Map.of()).entrySet()) {
      Double amount = OptionValues.decimal(e.getValue());
      if (amount == null || amount.isNaN()) {
        throw invalidValue(key, accepted);
      }
      out.put(e.getKey(), amount);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The error for a value a backend cannot use, worded as every getter words it: {@code Invalid
   * value '0' for joblib4j.backend.loky.max-in-flight: must be a positive integer.}
   *
   * @param key the key
   * @param accepted what is accepted, as it ends "must be ..." (no final period)
   * @return the exception, to throw
   */
  public ParallelConfigurationException invalidValue(String key, String accepted) {
    Object value = get(key);
    return new ParallelConfigurationException(
        "Invalid value '"
            + (value == null ? null : OptionValues.show(value))
            + "' for "
            + qualifiedKey(key)
            + ": must be "
            + accepted
            + ".");
  }

  /**
   * Fails if a parameter is not one the backend knows, so a typo is not silently ignored.
   *
   * @param known the keys the backend understands
   * @throws ParallelConfigurationException naming the unknown key and the known ones
   */
  public void rejectUnknown(Collection<String> known) {
    for (String key : parameters.keySet()) {
      if (!known.contains(key)) {
        String written = writtenAs.getOrDefault(key, key);
        throw new ParallelConfigurationException(
            "Invalid option '"
                + written
                + "' for backend '"
                + backendName
                + "' ("
                + qualifiedKey(key)
                + "). Known options: "
                + new TreeSet<>(known));
      }
    }
  }

  /**
   * Returns a text parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value as text
   * @deprecated use {@link #getString(String, String)}
   */
  @Deprecated
  public String string(String key, String defaultValue) {
    return getString(key, defaultValue);
  }

  /**
   * Returns an integer parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @deprecated use {@link #getInt(String, int)}
   */
  @Deprecated
  public int integer(String key, int defaultValue) {
    return getInt(key, defaultValue);
  }

  /**
   * Returns a boolean parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @deprecated use {@link #getBoolean(String, boolean)}
   */
  @Deprecated
  public boolean bool(String key, boolean defaultValue) {
    return getBoolean(key, defaultValue);
  }

  /**
   * Returns a duration parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @deprecated use {@link #getDuration(String, Duration)}
   */
  @Deprecated
  public Duration duration(String key, Duration defaultValue) {
    return getDuration(key, defaultValue);
  }

  private <T> T read(String key, Function<Object, T> converter, String accepted) {
    Object v = get(key);
    if (v == null) {
      return null;
    }
    T value = converter.apply(v);
    if (value == null) {
      throw invalidValue(key, accepted);
    }
    return value;
  }

  private static <T> T orDefault(T value, T defaultValue) {
    return value == null ? defaultValue : value;
  }

  @Override
  public String toString() {
    return backendName + parameters;
  }
}
