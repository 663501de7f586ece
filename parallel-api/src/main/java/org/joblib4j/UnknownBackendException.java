package org.joblib4j;

import java.util.List;

/**
 * A backend name that no installed jar or registration provides. The message follows joblib ({@code
 * Invalid backend: foo, expected one of "sequential" or "threading"}) and, for a well-known
 * backend, names the artifact to add.
 */
public class UnknownBackendException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String backendName;
  private final List<String> available;

  /**
   * Creates the exception.
   *
   * @param message the full message
   * @param backendName the name that was asked for
   * @param available the installed names, sorted
   */
  public UnknownBackendException(String message, String backendName, List<String> available) {
    super(message);
    this.backendName = backendName;
    this.available = List.copyOf(available);
  }

  /**
   * Returns the name that was asked for.
   *
   * @return the unknown name
   */
  public String backendName() {
    return backendName;
  }

  /**
   * Returns the names that are installed.
   *
   * @return the sorted names
   */
  public List<String> available() {
    return available;
  }
}
