package org.joblib4j.it.scenario;

import java.util.List;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;

/** Run with a jar whose provider's constructor throws. */
public final class BrokenProvider {
  private BrokenProvider() {}

  /**
   * Uses the installed backends twice, then asks for an unknown one.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    for (int i = 0; i < 2; i++) {
      Report.attempt("threading", () -> run("threading"));
      Report.attempt("sequential", () -> run("sequential"));
    }
    Report.line("available", Backends.available());
    Report.attempt("nope", () -> run("nope"));
  }

  static String run(String backend) {
    try (Parallel p = Parallel.builder().backend(backend).nJobs(2).build()) {
      return p.backendName() + " " + p.map((Integer x) -> x + 1, List.of(1, 2, 3));
    }
  }
}
