package org.joblib4j.backend.dask;

/**
 * A failure of Dask or of the bridge rather than of a task: the sidecar or the scheduler went away,
 * the scheduler could not be reached, a submission or a scatter failed. {@link #type()} is Dask's
 * (or the bridge's) name for it.
 */
public class DaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String type;

  /**
   * Creates the exception.
   *
   * @param type the error's name, such as {@code SchedulerLost} or {@code OSError}
   * @param message the full message
   */
  public DaskException(String type, String message) {
    super(message);
    this.type = type;
  }

  /**
   * Creates the exception with a cause.
   *
   * @param type the error's name
   * @param message the full message
   * @param cause what was seen
   */
  public DaskException(String type, String message, Throwable cause) {
    super(message, cause);
    this.type = type;
  }

  /**
   * Returns the error's name.
   *
   * @return for example {@code SidecarExited}, {@code SchedulerLost}, {@code BlobMissingError}
   */
  public String type() {
    return type;
  }
}
