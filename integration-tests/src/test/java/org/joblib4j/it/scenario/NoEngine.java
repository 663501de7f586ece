package org.joblib4j.it.scenario;

import org.joblib4j.Backends;
import org.joblib4j.Parallel;

/** Run without parallel-core. */
public final class NoEngine {
  private NoEngine() {}

  /**
   * Builds a {@code Parallel} twice (the second attempt finds the engine holder already failed),
   * then asks for the installed backends.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    Report.attempt("build", () -> Parallel.builder().build());
    Report.attempt("build again", () -> Parallel.builder().build());
    Report.attempt("available", Backends::available);
  }
}
