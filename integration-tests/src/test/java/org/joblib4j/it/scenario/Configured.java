package org.joblib4j.it.scenario;

import java.util.List;
import org.joblib4j.Parallel;

/** Builds a {@code Parallel} with nothing set, so configuration decides. */
public final class Configured {
  private Configured() {}

  /**
   * Reports the backend and n_jobs that configuration resolved, or the exception thrown.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    Report.attempt(
        "parallel",
        () -> {
          try (Parallel p = Parallel.builder().build()) {
            List<Integer> r = p.map((Integer x) -> x * 10, List.of(1, 2));
            return "backend=" + p.backendName() + " nJobs=" + p.nJobs() + " results=" + r;
          }
        });
  }
}
