package org.joblib4j.benchmarks;

/**
 * One cell of the comparison: a measured value and its ratio to the baseline, or why it was not
 * run.
 *
 * @param value tasks/s, a speed-up, or nanoseconds, as the column's {@link ComparisonColumn.Kind}
 *     says; NaN when not run
 * @param ratio how many times better than the baseline (above 1 is better); NaN if unknown
 * @param notRun why there is no value, or {@code null}
 */
record ComparisonCell(double value, double ratio, String notRun) {

  static ComparisonCell measured(double value, double ratio) {
    return new ComparisonCell(value, ratio, null);
  }

  static ComparisonCell notRun(String reason) {
    return new ComparisonCell(Double.NaN, Double.NaN, reason);
  }

  boolean isMeasured() {
    return notRun == null;
  }
}
