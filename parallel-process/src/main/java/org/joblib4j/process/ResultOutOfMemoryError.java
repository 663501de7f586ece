package org.joblib4j.process;

/**
 * The caller ran out of memory reading one result of a batch: which one, so that the failure names
 * its task. The JVM's own error is the cause.
 */
public final class ResultOutOfMemoryError extends OutOfMemoryError {
  private static final long serialVersionUID = 1L;

  private final int position;

  ResultOutOfMemoryError(int position, OutOfMemoryError cause) {
    super(cause.getMessage());
    this.position = position;
    initCause(cause);
  }

  /**
   * Returns the result's place in its batch.
   *
   * @return from 0
   */
  public int position() {
    return position;
  }
}
