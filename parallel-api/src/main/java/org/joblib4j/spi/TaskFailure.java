package org.joblib4j.spi;

import java.io.Serializable;

/**
 * A failed task's place in a batch's results when the call collects failures ({@code
 * ErrorPolicy.COLLECT}): its index and what it threw.
 *
 * @param taskIndex the task's index in the input
 * @param failure what it threw
 * @param where the thread and process it ran in
 */
public record TaskFailure(long taskIndex, Throwable failure, String where) implements Serializable {

  /**
   * Records a failure in the thread that ran the task.
   *
   * @param taskIndex the task's index
   * @param failure what it threw
   * @return the record
   */
  public static TaskFailure of(long taskIndex, Throwable failure) {
    return new TaskFailure(
        taskIndex,
        failure,
        "thread " + Thread.currentThread().getName() + ", pid " + ProcessHandle.current().pid());
  }
}
