package org.joblib4j;

import java.util.Locale;

/** How a {@link Parallel} call hands back its results: joblib's {@code return_as}. */
public enum ReturnAs {
  /** Block until every task is done and return a list in input order ({@code "list"}). */
  LIST,
  /** A lazy iterator in input order, each result as soon as it and those before it are ready. */
  GENERATOR,
  /** A lazy iterator in completion order ({@code "generator_unordered"}). */
  GENERATOR_UNORDERED;

  /**
   * Parses joblib's spelling ({@code "list"}, {@code "generator"}, {@code "generator_unordered"};
   * {@code -} is accepted for {@code _} and case is ignored).
   *
   * @param value the text
   * @return the mode
   * @throws IllegalArgumentException with joblib's message for anything else
   */
  public static ReturnAs parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (v) {
      case "list":
        return LIST;
      case "generator":
        return GENERATOR;
      case "generator_unordered":
        return GENERATOR_UNORDERED;
      default:
        throw new IllegalArgumentException(
            "Expected `returnAs` parameter to be a string equal to \"list\", \"generator\" or"
                + " \"generator_unordered\", but got "
                + value
                + " instead.");
    }
  }

  /**
   * Returns joblib's spelling of this mode.
   *
   * @return {@code "list"}, {@code "generator"} or {@code "generator_unordered"}
   */
  public String joblibName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
