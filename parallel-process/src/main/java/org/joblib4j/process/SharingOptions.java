package org.joblib4j.process;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.BackendContext;

/**
 * The backend options that decide what travels once ({@link SharedValues}): {@code scatter} (a list
 * of objects, code only), {@code auto-scatter} ({@code true} by default) and {@code
 * auto-scatter-threshold} ({@code 64K}; {@code none}: never).
 *
 * @param scatter the objects to send once for the {@code Parallel}'s lifetime
 * @param auto whether large arguments and captured values are shared automatically
 * @param threshold the serialized size above which they are
 */
public record SharingOptions(List<Object> scatter, boolean auto, long threshold) {
  /** The option names. */
  public static final List<String> KEYS =
      List.of("scatter", "auto-scatter", "auto-scatter-threshold");

  /**
   * Reads the options.
   *
   * @param c the backend's options
   * @return them
   * @throws IllegalArgumentException with joblib's text for a {@code scatter} that is not a list
   * @throws ParallelConfigurationException for a threshold that is not a size
   */
  public static SharingOptions parse(BackendContext c) {
    return new SharingOptions(
        scatterList(c.get("scatter")),
        c.getBoolean("auto-scatter", true),
        c.getSize("auto-scatter-threshold", SharedValues.DEFAULT_THRESHOLD, Long.MAX_VALUE));
  }

  /** joblib: {@code TypeError("scatter must be a list/tuple, got `int`")}. */
  private static List<Object> scatterList(Object v) {
    if (v == null) {
      return List.of();
    }
    if (v instanceof List) {
      return Collections.unmodifiableList(new ArrayList<>((Collection<?>) v));
    }
    if (v instanceof Object[]) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < Array.getLength(v); i++) {
        out.add(Array.get(v, i));
      }
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException(
        "scatter must be a list/tuple, got `" + v.getClass().getSimpleName() + "`");
  }
}
