package org.joblib4j.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.joblib4j.ParallelConfigurationException;

/**
 * The parameters a backend is created with: joblib's {@code **backend_params}. They come, highest
 * first, from {@code Parallel.builder().backend(name, params)} or {@code
 * ParallelConfig.builder().backend(name, params)}, then the configuration keys {@code
 * joblib4j.backend.<name>.<key>} (system properties, environment, {@code joblib4j.properties}).
 *
 * <p>The typed getters fail with a {@link ParallelConfigurationException} that names the key, the
 * value and what is allowed.
 */
public final class BackendContext {
  private final String backendName;
  private final Map<String, Object> parameters;

  /**
   * Creates a context.
   *
   * @param backendName the backend's name
   * @param parameters the parameters (copied)
   */
  public BackendContext(String backendName, Map<String, ?> parameters) {
    this.backendName = Objects.requireNonNull(backendName, "backendName");
    this.parameters = java.util.Collections.unmodifiableMap(normalized(backendName, parameters));
  }

  /**
   * Spells every key the Java way: joblib's {@code idle_worker_timeout} is {@code
   * idle-worker-timeout} here, so a user who knows joblib's name is understood.
   */
  private static TreeMap<String, Object> normalized(String backendName, Map<String, ?> parameters) {
    TreeMap<String, Object> keys = new TreeMap<>();
    for (Map.Entry<String, ?> e : new TreeMap<>(parameters).entrySet()) {
      String key = e.getKey().replace('_', '-');
      if (keys.containsKey(key)) {
        throw new ParallelConfigurationException(
            "The option '" + key + "' of backend '" + backendName + "' is given twice (as '"
                + e.getKey() + "' and as '" + key + "'): give it once.");
      }
      keys.put(key, e.getValue());
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
    return parameters.get(key);
  }

  /**
   * Returns a text parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value as text
   */
  public String string(String key, String defaultValue) {
    Object v = parameters.get(key);
    return v == null ? defaultValue : v.toString();
  }

  /**
   * Returns an integer parameter.
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is not an integer
   */
  public int integer(String key, int defaultValue) {
    Object v = parameters.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return ((Number) v).intValue();
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw invalid(key, v, "an integer");
    }
  }

  /**
   * Returns a boolean parameter ({@code true}/{@code false}, case ignored).
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is neither
   */
  public boolean bool(String key, boolean defaultValue) {
    Object v = parameters.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw invalid(key, v, "true or false");
  }

  /**
   * Returns a duration parameter: a {@link Duration}, a number of seconds, or text such as {@code
   * 300s}, {@code 500ms}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT5M}).
   *
   * @param key the key
   * @param defaultValue returned when absent
   * @return the value
   * @throws ParallelConfigurationException if the value is not a duration
   */
  public Duration duration(String key, Duration defaultValue) {
    Object v = parameters.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Duration) {
      return (Duration) v;
    }
    if (v instanceof Number) {
      return Durations.ofSeconds(((Number) v).doubleValue());
    }
    Duration d = Durations.parse(v.toString());
    if (d == null) {
      throw invalid(key, v, "a duration such as 300s, 500ms, 5m or PT5M (a bare number is seconds)");
    }
    return d;
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
        throw new ParallelConfigurationException(
            "Invalid option '"
                + key
                + "' for backend '"
                + backendName
                + "' (joblib4j.backend."
                + backendName
                + "."
                + key
                + "). Known options: "
                + new TreeSet<>(known));
      }
    }
  }

  private ParallelConfigurationException invalid(String key, Object value, String allowed) {
    return new ParallelConfigurationException(
        "Invalid value '"
            + value
            + "' for joblib4j.backend."
            + backendName
            + "."
            + key
            + ": must be "
            + allowed
            + ".");
  }

  @Override
  public String toString() {
    return backendName + parameters;
  }
}
