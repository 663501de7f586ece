package org.joblib4j.process;

/**
 * Stands in for a task's exception that could not be serialized back from its worker JVM: keeps the
 * original class name, message and stack trace.
 */
public final class RemoteTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String originalClass;

  /**
   * Copies what can be kept of an exception.
   *
   * @param original the exception that could not travel
   */
  public RemoteTaskException(Throwable original) {
    super(
        original.getClass().getName()
            + ": "
            + original.getMessage()
            + " (the exception could not be serialized back from the worker JVM)");
    this.originalClass = original.getClass().getName();
    setStackTrace(original.getStackTrace());
  }

  /**
   * Returns the class name of the original exception.
   *
   * @return the class name
   */
  public String originalClass() {
    return originalClass;
  }
}
