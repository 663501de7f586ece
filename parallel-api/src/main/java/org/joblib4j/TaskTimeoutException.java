package org.joblib4j;

import java.time.Duration;

/**
 * A task ran longer than its {@code taskTimeout}, measured from the moment it started. Its thread
 * was interrupted, or its worker JVM killed and replaced.
 */
public class TaskTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;

  /**
   * Creates the exception.
   *
   * @param taskIndex the task's index in the input
   * @param limit the task timeout
   */
  public TaskTimeoutException(long taskIndex, Duration limit) {
    super(
        "Task "
            + taskIndex
            + " exceeded its taskTimeout of "
            + org.joblib4j.spi.support.Durations.seconds(limit)
            + " s and was stopped.");
    this.taskIndex = taskIndex;
  }

  /**
   * Returns the task's index in the input.
   *
   * @return the index
   */
  public long taskIndex() {
    return taskIndex;
  }
}
