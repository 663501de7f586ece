package org.joblib4j;

import java.util.Locale;

/**
 * joblib's {@code prefer}: a soft hint that only acts when no backend was chosen explicitly (by the
 * builder, a {@link ParallelConfig} scope or configuration).
 */
public enum Prefer {
  /** Prefer a thread-based backend ({@code threading}). */
  THREADS,
  /** Prefer a process-based backend ({@code loky}). */
  PROCESSES;

  /**
   * Parses {@code "threads"} or {@code "processes"} (case ignored).
   *
   * @param value the text
   * @return the hint
   * @throws IllegalArgumentException with joblib's message for anything else
   */
  public static Prefer parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("threads")) {
      return THREADS;
    }
    if (v.equals("processes")) {
      return PROCESSES;
    }
    throw new IllegalArgumentException(
        "prefer="
            + value
            + " is not a valid backend hint, expected one of \"processes\", \"threads\" or null");
  }

  /**
   * Returns joblib's spelling.
   *
   * @return {@code "threads"} or {@code "processes"}
   */
  public String joblibName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
