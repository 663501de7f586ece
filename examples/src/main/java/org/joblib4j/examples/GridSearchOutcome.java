package org.joblib4j.examples;

import org.joblib4j.examples.gridsearch.GridSearchResult;

/**
 * The grid search run sequentially and on all CPUs.
 *
 * @param sequential the result with n_jobs=1
 * @param parallel the result with n_jobs=-1
 * @param sequentialNanos the wall time of the fastest sequential run
 * @param parallelNanos the wall time of the fastest parallel run
 */
public record GridSearchOutcome(
    GridSearchResult sequential,
    GridSearchResult parallel,
    long sequentialNanos,
    long parallelNanos) {

  /**
   * Returns how many times faster the parallel run was.
   *
   * @return sequential time / parallel time
   */
  public double speedUp() {
    return (double) sequentialNanos / parallelNanos;
  }
}
