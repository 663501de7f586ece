package org.joblib4j.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values of {@link Settings} entries, one layer of the precedence walk: what a builder was told,
 * what a scope sets, what the configuration gives, or the result of the walk. A setting is either
 * set (to a value, possibly {@code null}) or not. Values sit in slots numbered by the settings'
 * declaration ({@link Setting#index}): every {@code Parallel} built reads and copies them, so a
 * copy is one array copy and a read one array access.
 */
public final class SettingValues {
  private static final Object UNSET = new Object();

  private Object[] slots;
  private final boolean frozen;

  /** Creates an empty, changeable set of values. */
  public SettingValues() {
    this(emptySlots(), false);
  }

  private SettingValues(Object[] slots, boolean frozen) {
    this.slots = slots;
    this.frozen = frozen;
  }

  private static Object[] emptySlots() {
    Object[] slots = new Object[Settings.all().size()];
    Arrays.fill(slots, UNSET);
    return slots;
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
    changeable(setting)[setting.index] = value;
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
    changeable(setting)[setting.index] = UNSET;
    return this;
  }

  /**
   * Whether a setting is set here.
   *
   * @param setting the setting
   * @return true if set (possibly to {@code null})
   */
  public boolean isSet(Setting<?> setting) {
    return setting.index < slots.length && slots[setting.index] != UNSET;
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
    Object v = setting.index < slots.length ? slots[setting.index] : UNSET;
    return v == UNSET ? null : (T) v;
  }

  /**
   * Returns these values with {@code over}'s on top.
   *
   * @param over the values that win
   * @return a new, changeable set of values
   */
  public SettingValues overlaidWith(SettingValues over) {
    Object[] merged = Arrays.copyOf(slots, Math.max(slots.length, over.slots.length));
    for (int i = slots.length; i < merged.length; i++) {
      merged[i] = UNSET;
    }
    for (int i = 0; i < over.slots.length; i++) {
      if (over.slots[i] != UNSET) {
        merged[i] = over.slots[i];
      }
    }
    return new SettingValues(merged, false);
  }

  /**
   * Returns an unchangeable copy.
   *
   * @return the copy
   */
  public SettingValues frozen() {
    return frozen ? this : new SettingValues(slots.clone(), true);
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

  private Object[] changeable(Setting<?> setting) {
    if (frozen) {
      throw new UnsupportedOperationException("frozen settings");
    }
    if (setting.index >= slots.length) {
      // a setting declared after these values were made (tests declare their own)
      int old = slots.length;
      slots = Arrays.copyOf(slots, setting.index + 1);
      Arrays.fill(slots, old, slots.length, UNSET);
    }
    return slots;
  }

  /** The set values by setting, in declaration order. */
  private Map<Setting<?>, Object> asMap() {
    Map<Setting<?>, Object> map = new LinkedHashMap<>();
    for (Setting<?> setting : Settings.all()) {
      if (isSet(setting)) {
        map.put(setting, get(setting));
      }
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SettingValues && ((SettingValues) o).asMap().equals(asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
