package org.joblib4j.examples.workload;

/**
 * A workload's wall times: the parallel run and, unless skipped, the n_jobs=1 baseline.
 *
 * @param name the workload's short name
 * @param tasks its number of tasks
 * @param nJobs the n_jobs of the parallel run
 * @param parallelNanos the parallel run's wall time
 * @param sequentialNanos the baseline's wall time, or -1 when it was not run
 */
public record WorkloadTiming(
    String name, int tasks, int nJobs, long parallelNanos, long sequentialNanos) {

  /**
   * Whether the baseline ran.
   *
   * @return true if there is a sequential time
   */
  public boolean hasBaseline() {
    return sequentialNanos >= 0;
  }

  /**
   * Returns how many times faster the parallel run was.
   *
   * @return sequential time / parallel time, NaN without a baseline
   */
  public double speedUp() {
    return hasBaseline() ? (double) sequentialNanos / parallelNanos : Double.NaN;
  }
}
