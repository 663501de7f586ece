package org.joblib4j.spi.support;

import java.util.Locale;
import org.joblib4j.spi.ParallelBackend;

/**
 * joblib's {@code AutoBatchingMixin}: grows the batch size while batches finish faster than the
 * ideal duration and shrinks it when they take too long, so per-batch overhead stays small next to
 * the work. Backends delegate {@link ParallelBackend#computeBatchSize()} and {@link
 * ParallelBackend#batchCompleted} to one instance. Thread-safe.
 */
public final class AutoBatchSizer {
  /** joblib's {@code MIN_IDEAL_BATCH_DURATION}: 0.2 s. */
  public static final long DEFAULT_MIN_NANOS = 200_000_000L;

  /** joblib's {@code MAX_IDEAL_BATCH_DURATION}: 2 s. */
  public static final long DEFAULT_MAX_NANOS = 2_000_000_000L;

  private final long minNanos;
  private final long maxNanos;
  private final int maxBatchSize;
  private final long jumpNanos;
  private final int growth;
  private int effectiveBatchSize = 1;
  private double smoothedNanos;

  /** The last adjustment, kept as numbers: most calls never print it (joblib's verbose 10). */
  private String changeHow;

  private double changeNanos;
  private int changeSize;

  /** Creates a sizer with joblib's bounds (0.2 s to 2 s per batch). */
  public AutoBatchSizer() {
    this(DEFAULT_MIN_NANOS, DEFAULT_MAX_NANOS, Integer.MAX_VALUE);
  }

  /**
   * Creates a sizer with other bounds.
   *
   * @param minNanos batches faster than this grow
   * @param maxNanos batches slower than this shrink
   * @param maxBatchSize the cap on the batch size
   */
  public AutoBatchSizer(long minNanos, long maxNanos, int maxBatchSize) {
    this(minNanos, maxNanos, maxBatchSize, 0);
  }

  /**
   * Creates a sizer that also ramps up faster than joblib for tiny tasks: a batch that finished in
   * less than {@code jumpNanos} grows at once to the size expected to take {@code jumpNanos}
   * (assuming the time per task it showed, an overestimate when per-batch overhead dominates) when
   * that is more than joblib's doubling. A batch then never holds more than about {@code jumpNanos}
   * of work more than joblib's would, so load balance is kept, while tiny tasks reach an efficient
   * size in two or three round trips instead of one per doubling.
   *
   * @param minNanos batches faster than this grow
   * @param maxNanos batches slower than this shrink
   * @param maxBatchSize the cap on the batch size
   * @param jumpNanos the duration a tiny batch may jump to, below {@code minNanos}; 0 for joblib's
   *     doubling only
   */
  public AutoBatchSizer(long minNanos, long maxNanos, int maxBatchSize, long jumpNanos) {
    this(minNanos, maxNanos, maxBatchSize, jumpNanos, 2);
  }

  /**
   * Creates a sizer whose batches may grow more than joblib's doubling per step, for backends whose
   * every round trip costs about the same whatever the batch (a cluster's ~10 ms): small batches
   * then measure mostly that latency, and doubling alone needs many round trips to reach a useful
   * size.
   *
   * @param minNanos batches faster than this grow
   * @param maxNanos batches slower than this shrink
   * @param maxBatchSize the cap on the batch size
   * @param jumpNanos as in {@link #AutoBatchSizer(long, long, int, long)}
   * @param growth how many times a batch may grow per step (joblib: 2)
   */
  public AutoBatchSizer(
      long minNanos, long maxNanos, int maxBatchSize, long jumpNanos, int growth) {
    if (growth < 2) {
      throw new IllegalArgumentException("need growth >= 2, got " + growth);
    }
    this.growth = growth;
    if (minNanos <= 0 || maxNanos < minNanos || maxBatchSize < 1) {
      throw new IllegalArgumentException(
          "need 0 < minNanos <= maxNanos and maxBatchSize >= 1, got "
              + minNanos
              + ", "
              + maxNanos
              + ", "
              + maxBatchSize);
    }
    if (jumpNanos < 0 || jumpNanos >= minNanos) {
      throw new IllegalArgumentException(
          "need 0 <= jumpNanos < minNanos, got " + jumpNanos + " and " + minNanos);
    }
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
    this.maxBatchSize = maxBatchSize;
    this.jumpNanos = jumpNanos;
  }

  /**
   * Returns the batch size to use next.
   *
   * @return the batch size
   */
  public int computeBatchSize() {
    return computeBatchSize(Integer.MAX_VALUE);
  }

  /**
   * Returns the batch size to use next, at most {@code max}: a capped size becomes the size learnt
   * from, so batches of it still grow or shrink the estimate.
   *
   * @param max the cap for this call, at least 1
   * @return the batch size
   */
  public synchronized int computeBatchSize(int max) {
    int old = effectiveBatchSize;
    double d = smoothedNanos;
    int size;
    String how = null;
    if (d > 0 && d < minNanos) {
      how = "fast";
      // grow at most x growth per step, towards the size whose batch would take minNanos
      long ideal = (long) (old * (double) minNanos / d) * 2;
      long grown = Math.min((long) growth * old, ideal);
      if (d < jumpNanos) {
        // tiny tasks: straight to the size expected to take jumpNanos
        grown = Math.max(grown, (long) (old * (double) jumpNanos / d));
      }
      size = (int) Math.max(Math.min(grown, Integer.MAX_VALUE), 1);
    } else if (d > maxNanos && old >= 2) {
      how = "slow";
      long ideal = (long) (old * (double) minNanos / d);
      size = (int) Math.max(2 * ideal, 1);
    } else {
      size = old;
    }
    size = Math.max(1, Math.min(size, Math.min(maxBatchSize, max)));
    if (size != old) {
      if (how != null) {
        // joblib's words at verbose >= 10; a size only the cap changed is no news
        changeHow = how;
        changeNanos = d;
        changeSize = size;
      }
      effectiveBatchSize = size;
      smoothedNanos = 0;
    }
    return size;
  }

  /**
   * Records a finished batch; ignored unless its size is the current batch size.
   *
   * @param batchSize the batch's size
   * @param durationNanos the time from dispatch to completion
   */
  public synchronized void batchCompleted(int batchSize, long durationNanos) {
    if (batchSize != effectiveBatchSize) {
      return;
    }
    smoothedNanos = smoothedNanos == 0 ? durationNanos : 0.8 * smoothedNanos + 0.2 * durationNanos;
  }

  /**
   * joblib's verbose note on the last adjustment, once: {@code Batch computation too fast
   * (0.0123s.) Setting batch_size=4.} (or {@code too slow}), which joblib prints at verbose 10 and
   * above.
   *
   * @return the note, or {@code null} when there was no adjustment since the last call
   */
  public synchronized String takeChange() {
    String how = changeHow;
    changeHow = null;
    return how == null ? null : note(how, changeNanos, changeSize);
  }

  private static String note(String how, double nanos, int size) {
    return String.format(
        Locale.ROOT,
        "Batch computation too %s (%.4fs.) Setting batch_size=%d.",
        how,
        nanos / 1e9,
        size);
  }

  /** Forgets what was learnt (joblib resets at the end of each call). */
  public synchronized void reset() {
    effectiveBatchSize = 1;
    smoothedNanos = 0;
    changeHow = null;
  }
}
