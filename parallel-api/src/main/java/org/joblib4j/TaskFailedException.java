package org.joblib4j;

/**
 * A task threw a checked exception. Its {@link #getCause() cause} is the original exception
 * (unchecked exceptions and errors reach the caller as themselves, not wrapped).
 */
public class TaskFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;

  /**
   * Creates the exception.
   *
   * @param taskIndex the index of the failed task in the input, or -1 if unknown
   * @param cause the checked exception the task threw
   */
  public TaskFailedException(long taskIndex, Throwable cause) {
    super((taskIndex >= 0 ? "Task " + taskIndex : "A task") + " failed: " + cause, cause);
    this.taskIndex = taskIndex;
  }

  /**
   * Returns the index of the failed task in the input.
   *
   * @return the index, or -1 if unknown
   */
  public long taskIndex() {
    return taskIndex;
  }
}
