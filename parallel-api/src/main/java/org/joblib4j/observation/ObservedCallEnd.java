package org.joblib4j.observation;

import java.time.Duration;

/**
 * A call as it ends.
 *
 * @param call the call
 * @param completedTasks the tasks that completed
 * @param duration from its start to its end
 * @param failure why it failed, or {@code null}
 */
public record ObservedCallEnd(
    ObservedCall call, long completedTasks, Duration duration, Throwable failure) {
  /**
   * Whether the call succeeded.
   *
   * @return true without a failure
   */
  public boolean succeeded() {
    return failure == null;
  }
}
