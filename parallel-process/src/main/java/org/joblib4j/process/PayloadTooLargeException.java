package org.joblib4j.process;

import java.io.IOException;

/**
 * A batch, a batch's results or an exception would take more bytes than one frame between JVMs
 * carries: thrown as soon as the limit is crossed, so the caller can say which task is too large
 * instead of copying gigabytes towards an {@link OutOfMemoryError}.
 */
final class PayloadTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  /**
   * Creates the exception.
   *
   * @param limit the most bytes a payload may take
   */
  PayloadTooLargeException(long limit) {
    super("more than " + limit + " bytes, the most one frame between JVMs carries");
    this.limit = limit;
  }

  /** The most bytes a payload may take. */
  long limit() {
    return limit;
  }

  /**
   * Finds this exception in a failure's causes.
   *
   * @param failure the failure
   * @return the exception, or {@code null}
   */
  static PayloadTooLargeException in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PayloadTooLargeException) {
        return (PayloadTooLargeException) t;
      }
    }
    return null;
  }
}
