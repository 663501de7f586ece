package org.joblib4j.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * The repeated wall-clock timings of one implementation on one workload.
 *
 * @param section the workload family ({@code noop} or {@code cpu})
 * @param implementation who ran it
 * @param tasks the number of tasks per run
 * @param nanos the wall time of every run
 */
public record Measurement(String section, String implementation, long tasks, List<Long> nanos) {

  /**
   * Returns the median run time (the mean of the middle two for an even count).
   *
   * @return nanoseconds
   */
  public double medianNanos() {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /**
   * Returns the throughput of the median run.
   *
   * @return tasks per second
   */
  public double tasksPerSecond() {
    return tasks / (medianNanos() / 1e9);
  }

  /**
   * Returns how many runs were timed.
   *
   * @return the count
   */
  public int runs() {
    return nanos.size();
  }
}
