package org.joblib4j;

/**
 * One failed attempt of a task that ran again ({@link RetryPolicy}): kept as a suppressed exception
 * of the task's final failure, its cause the attempt's own exception.
 */
public final class TaskAttemptException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int attempt;

  /**
   * Records a failed attempt.
   *
   * @param attempt which attempt, from 1
   * @param maxAttempts the most attempts
   * @param cause what it threw
   */
  public TaskAttemptException(int attempt, int maxAttempts, Throwable cause) {
    super("Attempt " + attempt + " of " + maxAttempts + " failed: " + cause, cause);
    this.attempt = attempt;
  }

  /**
   * Returns which attempt this was.
   *
   * @return from 1
   */
  public int attempt() {
    return attempt;
  }
}
