package org.joblib4j.it.scenario;

import java.util.List;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;

/** Run with parallel-api and parallel-core only: no threading jar. */
public final class SequentialFallback {
  private SequentialFallback() {}

  /**
   * Builds and runs three {@code Parallel}s with {@code nJobs(2)}.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    for (int i = 0; i < 3; i++) {
      try (Parallel p = Parallel.builder().nJobs(2).build()) {
        Report.line("backend", p.backendName());
        Report.line("results", p.map((Integer x) -> x * x, List.of(1, 2, 3, 4)));
      }
    }
    Report.line("available", Backends.available());
    Report.line("default", Backends.defaultBackend());
  }
}
