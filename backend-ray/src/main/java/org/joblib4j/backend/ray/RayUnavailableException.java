package org.joblib4j.backend.ray;

/**
 * The Ray runtime cannot be used here: its jar is missing, or no {@code ray} executable for the
 * embedded head.
 */
public class RayUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** How to get Ray, appended to every message. */
  public static final String INSTALL_HINT =
      "Install the Ray runtime (the Python wheel carries the Java runtime): "
          + "python3.11 -m venv ~/.cache/joblib4j-ray-venv && "
          + "~/.cache/joblib4j-ray-venv/bin/pip install ray=="
          + RayRuntime.RAY_VERSION
          + " (add PIP_INDEX_URL=file:///opt/pypi/simple on machines with the local package index), "
          + "then put ~/.cache/joblib4j-ray-venv/lib/python3.11/site-packages/ray/jars/ray_dist.jar on the classpath "
          + "(its version must be the cluster's). See docs/ray.md in the joblib4j repository.";

  /**
   * Creates the exception.
   *
   * @param message what is missing
   */
  public RayUnavailableException(String message) {
    super(message + " " + INSTALL_HINT);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is missing
   * @param cause what was seen
   */
  public RayUnavailableException(String message, Throwable cause) {
    super(message + " " + INSTALL_HINT, cause);
  }
}
