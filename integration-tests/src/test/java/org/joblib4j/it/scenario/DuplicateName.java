package org.joblib4j.it.scenario;

import java.util.List;
import org.joblib4j.Parallel;

/** Run with two jars whose providers are both named {@code dup}. */
public final class DuplicateName {
  private DuplicateName() {}

  /**
   * Selects {@code dup} twice, then runs the other backends.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    for (int i = 0; i < 2; i++) {
      Report.attempt("dup", () -> run("dup"));
    }
    Report.attempt("threading", () -> run("threading"));
    Report.attempt("sequential", () -> run("sequential"));
  }

  static String run(String backend) {
    try (Parallel p = Parallel.builder().backend(backend).nJobs(2).build()) {
      return p.backendName() + " " + p.map((Integer x) -> x + 1, List.of(1, 2, 3));
    }
  }
}
