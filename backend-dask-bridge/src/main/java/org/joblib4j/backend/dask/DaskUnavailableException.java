package org.joblib4j.backend.dask;

/**
 * The {@code dask} backend cannot run here: the configured Python interpreter is missing, or it
 * cannot import {@code dask.distributed}. The message says what to install.
 */
public class DaskUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is missing and how to install it
   * @param cause what was seen, or {@code null}
   */
  public DaskUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
