package org.joblib4j;

/**
 * Attached as a suppressed exception to a task's exception when it reaches the caller: says which
 * task failed, in which call, on which backend and where it ran (thread, and process for worker
 * JVMs). Its own stack trace is the caller's, where the failure surfaced.
 */
public final class TaskOrigin extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;
  private final String backendName;

  /**
   * Creates the record.
   *
   * @param taskIndex the failed task's index in the input
   * @param backendName the backend's name
   * @param message the full description
   */
  public TaskOrigin(long taskIndex, String backendName, String message) {
    super(message);
    this.taskIndex = taskIndex;
    this.backendName = backendName;
  }

  /**
   * Returns the failed task's index in the input.
   *
   * @return the index
   */
  public long taskIndex() {
    return taskIndex;
  }

  /**
   * Returns the name of the backend the task ran on.
   *
   * @return the name
   */
  public String backendName() {
    return backendName;
  }
}
