package org.joblib4j;

/**
 * A task (or one of its arguments or captured values) cannot be serialized, so it cannot be sent to
 * another JVM. Raised in the caller, before the task's batch is sent (no task of that batch runs;
 * batches sent before it may have run); the message names the task's index and the offending class
 * or field. Also raised when a batch, or a batch's results, would take more bytes than one frame
 * between JVMs carries: the message names the task that takes it past the limit and its size.
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
