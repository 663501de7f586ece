package org.joblib4j.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values of {@link Settings} entries, one layer of the precedence walk: what a builder was told,
 * what a scope sets, what the configuration gives, or the result of the walk. A setting is either
 * set (to a value, possibly {@code null}) or not.
 */
public final class SettingValues {
  private final Map<Setting<?>, Object> values;
  private final boolean frozen;

  /** Creates an empty, changeable set of values. */
  public SettingValues() {
    this(new LinkedHashMap<>(), false);
  }

  private SettingValues(Map<Setting<?>, Object> values, boolean frozen) {
    this.values = values;
    this.frozen = frozen;
  }

  /**
   * Sets a value.
   *
   * @param setting the setting
   * @param value its value, possibly {@code null}
   * @param <T> the value's type
   * @return this
   * @throws UnsupportedOperationException on a frozen copy
   */
  public <T> SettingValues set(Setting<T> setting, T value) {
    changeable().put(setting, value);
    return this;
  }

  /**
   * Sets a value, or unsets the setting for {@code null}.
   *
   * @param setting the setting
   * @param value its value, or {@code null} for "not set"
   * @param <T> the value's type
   * @return this
   */
  public <T> SettingValues setOrUnset(Setting<T> setting, T value) {
    return value == null ? unset(setting) : set(setting, value);
  }

  /**
   * Unsets a setting.
   *
   * @param setting the setting
   * @return this
   */
  public SettingValues unset(Setting<?> setting) {
    changeable().remove(setting);
    return this;
  }

  /**
   * Whether a setting is set here.
   *
   * @param setting the setting
   * @return true if set (possibly to {@code null})
   */
  public boolean isSet(Setting<?> setting) {
    return values.containsKey(setting);
  }

  /**
   * Returns a setting's value here.
   *
   * @param setting the setting
   * @param <T> the value's type
   * @return the value, or {@code null} when not set
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  /**
   * Returns these values with {@code over}'s on top.
   *
   * @param over the values that win
   * @return a new, changeable set of values
   */
  public SettingValues overlaidWith(SettingValues over) {
    SettingValues merged = new SettingValues(new LinkedHashMap<>(values), false);
    merged.values.putAll(over.values);
    return merged;
  }

  /**
   * Returns an unchangeable copy.
   *
   * @return the copy
   */
  public SettingValues frozen() {
    return frozen ? this : new SettingValues(new LinkedHashMap<>(values), true);
  }

  /**
   * The precedence walk for one setting: the first layer that sets it, else its default.
   *
   * @param setting the setting
   * @param layers the layers, highest first
   * @param <T> the value's type
   * @return the value
   */
  public static <T> T first(Setting<T> setting, SettingValues... layers) {
    for (SettingValues layer : layers) {
      if (layer.isSet(setting)) {
        return layer.get(setting);
      }
    }
    return setting.defaultValue();
  }

  /**
   * The precedence walk for every setting of the table.
   *
   * @param layers the layers, highest first
   * @return every setting's value, frozen
   */
  public static SettingValues resolve(SettingValues... layers) {
    SettingValues resolved = new SettingValues();
    for (Setting<?> setting : Settings.all()) {
      resolveInto(resolved, setting, layers);
    }
    return resolved.frozen();
  }

  private static <T> void resolveInto(
      SettingValues resolved, Setting<T> setting, SettingValues[] layers) {
    resolved.set(setting, first(setting, layers));
  }

  private Map<Setting<?>, Object> changeable() {
    if (frozen) {
      throw new UnsupportedOperationException("frozen settings");
    }
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SettingValues && ((SettingValues) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
