package org.joblib4j.spi;

/**
 * Thrown by {@link Batch#call()} when one of its tasks fails: carries the task's index in the whole
 * input and, as its cause, exactly what the task threw. Backends pass it through their futures
 * unchanged (a process backend serializes it back to the caller).
 */
public final class BatchTaskException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;
  private final String where;

  /**
   * Creates the exception in the thread that ran the task, recording that thread and process.
   *
   * @param taskIndex the failed task's index in the input
   * @param cause what the task threw
   */
  public BatchTaskException(long taskIndex, Throwable cause) {
    super("task " + taskIndex + " failed", cause, false, false);
    this.taskIndex = taskIndex;
    this.where =
        "thread " + Thread.currentThread().getName() + ", pid " + ProcessHandle.current().pid();
  }

  /**
   * Returns where the task ran.
   *
   * @return for example {@code thread joblib4j-threading-1-worker-2, pid 4242}
   */
  public String where() {
    return where;
  }

  /**
   * Returns the failed task's index in the input.
   *
   * @return the index
   */
  public long taskIndex() {
    return taskIndex;
  }
}
