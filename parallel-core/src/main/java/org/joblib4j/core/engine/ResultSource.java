package org.joblib4j.core.engine;

import java.util.List;

/** Where a call's results come from: the dispatch engine, or the sequential loop. */
interface ResultSource {

  /**
   * Blocks until the next results are ready.
   *
   * @return the next results, or {@code null} when there are no more
   */
  Chunk next();

  /**
   * Consecutive results.
   *
   * @param firstIndex the input index of the first one
   * @param values the results ({@link org.joblib4j.spi.TaskFailure} for a failed task when
   *     collecting)
   */
  record Chunk(long firstIndex, List<Object> values) {}

  /** Cancels what is left. */
  void abort();

  /**
   * Returns the call's counters.
   *
   * @return the counters
   */
  CallState state();
}
