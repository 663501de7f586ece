package org.joblib4j;

import java.util.concurrent.TimeoutException;

/**
 * The call's {@code timeout} expired while the caller waited for a result (joblib's {@code
 * multiprocessing.TimeoutError}). The remaining work was aborted. The cause is a {@link
 * TimeoutException}.
 */
public class ParallelTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what timed out, and after how long
   */
  public ParallelTimeoutException(String message) {
    super(message, new TimeoutException(message));
  }
}
