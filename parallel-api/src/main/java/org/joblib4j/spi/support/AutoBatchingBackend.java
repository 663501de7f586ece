package org.joblib4j.spi.support;

import org.joblib4j.spi.ParallelBackend;

/**
 * A backend whose batch size is joblib's auto batching: implement {@link #batchSizer()} and the
 * batching hooks of {@link ParallelBackend} are its {@link AutoBatchSizer}'s.
 */
public interface AutoBatchingBackend extends ParallelBackend {
  /**
   * The sizer this backend's batches follow.
   *
   * @return the same sizer every time
   */
  AutoBatchSizer batchSizer();

  @Override
  default int computeBatchSize() {
    return batchSizer().computeBatchSize();
  }

  @Override
  default int computeBatchSize(int max) {
    return batchSizer().computeBatchSize(max);
  }

  @Override
  default void batchCompleted(int batchSize, long durationNanos) {
    batchSizer().batchCompleted(batchSize, durationNanos);
  }

  @Override
  default String takeBatchSizeChange() {
    return batchSizer().takeChange();
  }
}
