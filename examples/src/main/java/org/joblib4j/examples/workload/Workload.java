package org.joblib4j.examples.workload;

import org.joblib4j.Parallel;

/**
 * One of the demo's real workloads: a fixed set of independent tasks that a {@link Parallel} runs.
 * The {@link WorkloadRunner} times it on the parallel backend and, as the baseline, with n_jobs=1.
 *
 * @param <R> the result of a whole run
 */
public interface Workload<R> {

  /**
   * Returns the short name of the summary's row.
   *
   * @return e.g. {@code primes}
   */
  String name();

  /**
   * Returns the heading printed above the runs.
   *
   * @return e.g. {@code CPU-bound: count the primes below 2000000 in 40 chunks}
   */
  String title();

  /**
   * Returns how many tasks a run has.
   *
   * @return the number of tasks
   */
  int tasks();

  /**
   * Returns the n_jobs of the parallel run when the command line sets none.
   *
   * @return e.g. -1 for all CPUs
   */
  int defaultNJobs();

  /**
   * Adds the workload's own hints (say {@code prefer("threads")}) to a builder.
   *
   * @param builder a builder with n_jobs and the progress listener set
   * @return the builder
   */
  default Parallel.Builder configure(Parallel.Builder builder) {
    return builder;
  }

  /** Runs a little of the work in this thread, so that the JIT has compiled it before timing. */
  default void warmUp() {}

  /**
   * Runs every task.
   *
   * @param parallel the call's {@code Parallel}, configured and with a progress listener
   * @return the result
   */
  R run(Parallel parallel);

  /**
   * Describes a result in a few words.
   *
   * @param result a run's result
   * @return e.g. {@code 148933 primes}
   */
  String describe(R result);

  /**
   * Whether two runs agree.
   *
   * @param a one result
   * @param b another
   * @return true when they are the same
   */
  default boolean sameResult(R a, R b) {
    return a.equals(b);
  }
}
