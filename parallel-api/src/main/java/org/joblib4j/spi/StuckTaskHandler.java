package org.joblib4j.spi;

/**
 * What a backend does with a task that ignored the interrupt sent when its {@code taskTimeout}
 * expired: a thread backend gives up on it (and replaces its thread), a worker JVM reports the
 * timeout and exits so its parent starts a fresh one.
 */
@FunctionalInterface
public interface StuckTaskHandler {
  /** Waits for the task, as if nothing were stuck. */
  StuckTaskHandler WAIT = (index, failure) -> {};

  /**
   * Called on a watchdog thread once a task has overrun its timeout by the grace period.
   *
   * @param taskIndex the task's index in the input
   * @param failure the {@code TaskTimeoutException} the task's outcome is
   */
  void stuck(long taskIndex, RuntimeException failure);
}
