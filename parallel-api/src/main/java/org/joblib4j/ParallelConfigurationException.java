package org.joblib4j;

/**
 * A configuration value (system property, environment variable, {@code joblib4j.properties} entry
 * or backend parameter) is invalid. The message names the key, the value and what is allowed.
 */
public class ParallelConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the full message
   */
  public ParallelConfigurationException(String message) {
    super(message);
  }
}
