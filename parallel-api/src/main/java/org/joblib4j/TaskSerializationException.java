package org.joblib4j;

/**
 * A task (or one of its arguments or captured values) cannot be serialized, so it cannot be sent
 * to another JVM. Raised in the caller, before anything is sent; the message names the task's
 * index and the offending class or field.
 */
public class TaskSerializationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;

  /**
   * Creates the exception.
   *
   * @param taskIndex the index of the task in the input, or -1 if unknown
   * @param message the full message
   * @param cause the serialization failure
   */
  public TaskSerializationException(long taskIndex, String message, Throwable cause) {
    super(message, cause);
    this.taskIndex = taskIndex;
  }

  /**
   * Returns the index of the task that could not be serialized.
   *
   * @return the index, or -1 if unknown
   */
  public long taskIndex() {
    return taskIndex;
  }
}
