package org.joblib4j.benchmarks;

/**
 * One workload of the comparison: a column of the table and a group of bars in the chart.
 *
 * @param section the {@link Measurement#section()} it reads ({@code noop}, {@code cpu}, {@code
 *     latency}, {@code io})
 * @param tasks the {@link Measurement#tasks()} it reads
 * @param header the column's heading (Markdown)
 * @param kind how a measurement becomes a score
 */
record ComparisonColumn(String section, long tasks, String header, Kind kind) {

  /** What the column shows. */
  enum Kind {
    /** Tasks per second of the median run; higher is better. */
    THROUGHPUT,
    /** The same language's sequential median divided by this median; higher is better. */
    SPEED_UP,
    /** The median wall time of one call; lower is better. */
    LATENCY
  }
}
