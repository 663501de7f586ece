package org.joblib4j;

import java.util.Locale;

/**
 * joblib's {@code require}: a hard constraint on the backend. {@link #SHAREDMEM} replaces a
 * configured backend that cannot share memory by {@code threading}, and makes an explicitly
 * requested one an error.
 */
public enum Require {
  /** The tasks must share the caller's memory (they mutate shared objects). */
  SHAREDMEM;

  /**
   * Parses {@code "sharedmem"} (case ignored).
   *
   * @param value the text
   * @return the constraint
   * @throws IllegalArgumentException with joblib's message for anything else
   */
  public static Require parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("sharedmem")) {
      return SHAREDMEM;
    }
    throw new IllegalArgumentException(
        "require="
            + value
            + " is not a valid backend constraint, expected one of \"sharedmem\" or null");
  }

  /**
   * Returns joblib's spelling.
   *
   * @return {@code "sharedmem"}
   */
  public String joblibName() {
    return "sharedmem";
  }
}
