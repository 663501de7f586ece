package org.joblib4j.it.scenario;

import org.joblib4j.Parallel;

/** Builds a {@code Parallel} for each backend name given as an argument. */
public final class SelectBackends {
  private SelectBackends() {}

  /**
   * Reports, for each name, the backend built or the exception thrown.
   *
   * @param args backend names
   */
  public static void main(String[] args) {
    for (String name : args) {
      Report.attempt(
          name,
          () -> {
            try (Parallel p = Parallel.builder().backend(name).build()) {
              return p.backendName();
            }
          });
    }
  }
}
