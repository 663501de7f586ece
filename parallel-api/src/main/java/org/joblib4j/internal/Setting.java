package org.joblib4j.internal;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.support.ConfigSource;

/**
 * One setting of {@code Parallel}: its names, its configuration key, how its text is parsed, what
 * values are valid and its default. Every setting is an entry of {@link Settings}; the builders,
 * the configuration reading and the engine's precedence walk all go through these entries.
 *
 * <p>A value of {@code null} may be meaningful (joblib's {@code None}, as {@code mmapMode=None});
 * whether a setting is given at all is told by {@link SettingValues#isSet}.
 *
 * @param <T> the type of the setting's value
 */
public final class Setting<T> {
  private static final java.util.concurrent.atomic.AtomicInteger COUNT =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Its slot in {@link SettingValues}: settings are numbered as they are declared. */
  final int index = COUNT.getAndIncrement();

  private final String javaName;
  private final String joblibName;
  private final T defaultValue;
  private String key;
  private Function<String, T> parser;
  private String allowed;
  private Predicate<T> valid;
  private String rule;
  private boolean readWhereUsed;

  private Setting(String javaName, String joblibName, T defaultValue) {
    this.javaName = javaName;
    this.joblibName = joblibName;
    this.defaultValue = defaultValue;
  }

  /** A setting of the builders only, until {@link #key} gives it a configuration key. */
  static <T> Setting<T> of(String javaName, String joblibName, T defaultValue) {
    return new Setting<>(javaName, joblibName, defaultValue);
  }

  /**
   * Gives the setting a configuration key.
   *
   * @param key the key, a constant of {@link org.joblib4j.ConfigKeys}
   * @param parser the value of a key's (trimmed) text; throws {@link IllegalArgumentException} for
   *     text it does not accept
   * @param allowed what a bad value's message says is allowed ({@code must be <allowed>.})
   */
  Setting<T> key(String key, Function<String, T> parser, String allowed) {
    this.key = key;
    this.parser = parser;
    this.allowed = allowed;
    return this;
  }

  /**
   * Limits the values, for the builders and the configuration alike.
   *
   * @param valid whether a non-null value is valid
   * @param rule what a builder's message says ({@code <javaName> must be <rule>, got: <value>})
   */
  Setting<T> valid(Predicate<T> valid, String rule) {
    this.valid = valid;
    this.rule = rule;
    return this;
  }

  /** The builder's wording, for a setting whose builders check the values themselves. */
  Setting<T> rule(String rule) {
    this.rule = rule;
    return this;
  }

  /** Read from the configuration where it is used, not for every {@code Parallel}. */
  Setting<T> readWhereUsed() {
    this.readWhereUsed = true;
    return this;
  }

  /**
   * Returns the Java name, as the builders' methods are called.
   *
   * @return the name, such as {@code maxNbytes}
   */
  public String javaName() {
    return javaName;
  }

  /**
   * Returns joblib's name (the same spelling for settings joblib does not have).
   *
   * @return the name, such as {@code max_nbytes}
   */
  public String joblibName() {
    return joblibName;
  }

  /**
   * Returns the configuration key.
   *
   * @return the key, such as {@code joblib4j.max-nbytes}, or {@code null} for a setting of the
   *     builders only
   */
  public String key() {
    return key;
  }

  /**
   * Returns the value when nothing sets it.
   *
   * @return the default, or {@code null}
   */
  public T defaultValue() {
    return defaultValue;
  }

  /**
   * Whether every {@code Parallel} reads this key from the configuration (the others are read where
   * they are used: {@code cpuCount()}, the deserialization filter).
   *
   * @return true for a key read for every {@code Parallel}
   */
  public boolean readForEveryParallel() {
    return key != null && !readWhereUsed;
  }

  /**
   * Checks a value given to a builder.
   *
   * @param value the value; {@code null} is always accepted
   * @return the value
   * @throws IllegalArgumentException {@code <javaName> must be <rule>, got: <value>}
   */
  public T checked(T value) {
    if (value != null && valid != null && !valid.test(value)) {
      throw invalidArgument(value);
    }
    return value;
  }

  /**
   * Returns a builder's error for a bad value.
   *
   * @param value the value as given
   * @return {@code <javaName> must be <rule>, got: <value>}
   */
  public IllegalArgumentException invalidArgument(Object value) {
    return new IllegalArgumentException(javaName + " must be " + rule + ", got: " + value);
  }

  /**
   * Reads the key from a configuration into {@code values}, when the configuration has it.
   *
   * @param source the configuration
   * @param values where the value goes
   * @throws ParallelConfigurationException for a bad value: the key, where it came from, the value
   *     and what is allowed
   */
  public void readInto(ConfigSource source, SettingValues values) {
    String raw = source.get(Objects.requireNonNull(key, javaName + " has no configuration key"));
    if (raw != null) {
      values.set(this, read(source, raw.trim()));
    }
  }

  /**
   * Reads the key from a configuration.
   *
   * @param source the configuration
   * @return the value, or {@code null} when the configuration does not have the key
   * @throws ParallelConfigurationException for a bad value
   */
  public T read(ConfigSource source) {
    SettingValues values = new SettingValues();
    readInto(source, values);
    return values.get(this);
  }

  private T read(ConfigSource source, String text) {
    T value;
    try {
      value = parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw invalidValue(source, text);
    }
    if (value != null && valid != null && !valid.test(value)) {
      throw invalidValue(source, value.toString());
    }
    return value;
  }

  private ParallelConfigurationException invalidValue(ConfigSource source, String value) {
    return invalidValue(key, source.origin(key), value, allowed);
  }

  /**
   * Returns the error for a bad configuration value.
   *
   * @param key the key
   * @param origin where the value came from ({@link ConfigSource#origin})
   * @param value the value
   * @param allowed what is allowed
   * @return {@code Invalid value '<value>' for <key> (from <origin>): must be <allowed>.}
   */
  public static ParallelConfigurationException invalidValue(
      String key, String origin, String value, String allowed) {
    return new ParallelConfigurationException(
        "Invalid value '"
            + value
            + "' for "
            + key
            + (origin.equals(key) ? "" : " (from " + origin + ")")
            + ": must be "
            + allowed
            + ".");
  }

  @Override
  public String toString() {
    return javaName;
  }
}
