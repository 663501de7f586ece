package org.joblib4j.spi;

import java.nio.file.Path;
import java.time.Duration;
import org.joblib4j.MmapMode;
import org.joblib4j.Parallel;
import org.joblib4j.Prefer;
import org.joblib4j.Require;

/**
 * The resolved settings of one {@code Parallel}, given to {@link ParallelBackend#configure}.
 *
 * @param nJobs the requested n_jobs after configuration resolution (never 0 here is not guaranteed:
 *     backends map it with {@link ParallelBackend#effectiveNJobs})
 * @param nestingLevel 0 at top level, 1 inside a task of another call, and so on
 * @param verbose joblib's verbosity
 * @param prefer the soft hint, or {@code null}
 * @param require the hard constraint, or {@code null}
 * @param timeout the call's timeout, or {@code null}
 * @param tempFolder where large arrays may be memory-mapped, or {@code null} for the default
 * @param maxNbytes the size above which arrays are memory-mapped, or {@code null} to disable
 * @param mmapMode the mode of the arrays the call memory-maps itself, or {@code null} (joblib's
 *     {@code None}: each batch gets its own copy)
 * @param innerMaxNumThreads the thread cap for each worker's own parallelism, or {@code null}
 * @param reused whether the call belongs to a reused {@code Parallel} (the backend stays configured
 *     between calls)
 * @param cpuShare the CPUs the shared CPU budget ({@code joblib4j.cpu-budget=shared}) gives the
 *     call and everything nested in it, or {@code null} when the budget is off (the call may use
 *     {@link Parallel#cpuCount()})
 */
public record CallSettings(
    int nJobs,
    int nestingLevel,
    int verbose,
    Prefer prefer,
    Require require,
    Duration timeout,
    Path tempFolder,
    Long maxNbytes,
    MmapMode mmapMode,
    Integer innerMaxNumThreads,
    boolean reused,
    Integer cpuShare) {

  /**
   * joblib's derived thread limit of each worker, {@code max(cpus / workers, 1)}: the call's CPUs
   * are its {@link #cpuShare()} with the shared CPU budget, else {@link Parallel#cpuCount()}.
   *
   * @param workers the call's workers
   * @return the CPUs each worker's own parallelism may use, at least 1
   */
  public int cpusPerWorker(int workers) {
    int cpus = cpuShare != null ? cpuShare : Parallel.cpuCount();
    return Math.max(cpus / Math.max(workers, 1), 1);
  }
}
