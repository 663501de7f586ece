package org.joblib4j.examples.cpubudget;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the fits running at once in this JVM and remembers the most seen: how many threads the
 * nested grid search really keeps busy.
 */
final class RunningFits {
  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final AtomicInteger PEAK = new AtomicInteger();

  private RunningFits() {}

  /** Starts counting from zero. */
  static void reset() {
    RUNNING.set(0);
    PEAK.set(0);
  }

  /** A fit starts. */
  static void started() {
    PEAK.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
  }

  /** A fit ended. */
  static void ended() {
    RUNNING.decrementAndGet();
  }

  /**
   * Returns the most fits that ran at once since {@link #reset()}.
   *
   * @return the peak
   */
  static int peak() {
    return PEAK.get();
  }
}
