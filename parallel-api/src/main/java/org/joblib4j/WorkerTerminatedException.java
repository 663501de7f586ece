package org.joblib4j;

/**
 * A worker (a worker JVM, a cluster worker) died while it held this call's work. The message says
 * which worker, its exit code or signal (for example {@code SIGKILL(-9)}) and the likely causes.
 */
public class WorkerTerminatedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the full message
   */
  public WorkerTerminatedException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message the full message
   * @param cause what was seen
   */
  public WorkerTerminatedException(String message, Throwable cause) {
    super(message, cause);
  }
}
