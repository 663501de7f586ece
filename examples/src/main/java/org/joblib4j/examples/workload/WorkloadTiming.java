package org.joblib4j.examples.workload;

/**
 * A workload's wall times: the parallel run, the first parallel run where the workers are other
 * processes, and, unless skipped, the n_jobs=1 baseline.
 *
 * @param name the workload's short name
 * @param tasks its number of tasks
 * @param nJobs the n_jobs of the parallel run
 * @param firstCallNanos the first parallel run's wall time on workers that had not run the workload
 *     yet, or -1 when the workers are this JVM's threads
 * @param parallelNanos the (warm) parallel run's wall time
 * @param sequentialNanos the baseline's wall time, or -1 when it was not run
 */
public record WorkloadTiming(
    String name,
    int tasks,
    int nJobs,
    long firstCallNanos,
    long parallelNanos,
    long sequentialNanos) {

  /**
   * A timing of a workload whose workers are this JVM's threads.
   *
   * @param name the workload's short name
   * @param tasks its number of tasks
   * @param nJobs the n_jobs of the parallel run
   * @param parallelNanos the parallel run's wall time
   * @param sequentialNanos the baseline's wall time, or -1 when it was not run
   */
  public WorkloadTiming(
      String name, int tasks, int nJobs, long parallelNanos, long sequentialNanos) {
    this(name, tasks, nJobs, -1, parallelNanos, sequentialNanos);
  }

  /**
   * Whether a first call was timed apart.
   *
   * @return true if there is a first call's time
   */
  public boolean hasFirstCall() {
    return firstCallNanos >= 0;
  }

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
