package org.joblib4j.backend.dask;

/**
 * joblib's auto batching ({@code AutoBatchingMixin}) with the dask backend's bounds, 0.2 s to 1 s
 * per batch. One difference: a batch may grow up to {@code growth} times per step (joblib: 2),
 * because every Dask round trip costs about 10 ms whatever the batch, so small batches measure
 * mostly that latency and joblib's doubling needs many round trips to reach a useful size.
 */
final class DaskBatchSizer {
  private final long minNanos;
  private final long maxNanos;
  private final int growth;
  private int effectiveBatchSize = 1;
  private double smoothedNanos;

  DaskBatchSizer(long minNanos, long maxNanos, int growth) {
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
    this.growth = growth;
  }

  /** The next batch size, at most {@code max} (a capped size is the one learnt from). */
  synchronized int computeBatchSize(int max) {
    int old = effectiveBatchSize;
    double d = smoothedNanos;
    int size;
    if (d > 0 && d < minNanos) {
      long ideal = (long) (old * (double) minNanos / d) * 2;
      size = (int) Math.max(Math.min((long) growth * old, ideal), 1);
    } else if (d > maxNanos && old >= 2) {
      long ideal = (long) (old * (double) minNanos / d);
      size = (int) Math.max(2 * ideal, 1);
    } else {
      size = old;
    }
    size = Math.max(1, Math.min(size, max));
    if (size != old) {
      effectiveBatchSize = size;
      smoothedNanos = 0;
    }
    return size;
  }

  synchronized void batchCompleted(int batchSize, long durationNanos) {
    if (batchSize != effectiveBatchSize) {
      return;
    }
    smoothedNanos = smoothedNanos == 0 ? durationNanos : 0.8 * smoothedNanos + 0.2 * durationNanos;
  }

  synchronized void reset() {
    effectiveBatchSize = 1;
    smoothedNanos = 0;
  }
}
