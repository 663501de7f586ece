package org.joblib4j.it.scenario;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;

/** Run with parallel-api, parallel-core and backend-threading. */
public final class ThreadingDefault {
  /** Two tasks pass it only if they run at the same time. */
  static final CyclicBarrier BOTH = new CyclicBarrier(2);

  private ThreadingDefault() {}

  /**
   * Reports the default backend and runs tasks on it.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    Report.line("available", Backends.available());
    Report.line("default", Backends.defaultBackend());
    long caller = Thread.currentThread().getId();
    try (Parallel p = Parallel.builder().nJobs(2).build()) {
      Report.line("backend", p.backendName());
      Report.line("nJobs", p.nJobs());
      Report.line("results", p.map((Integer x) -> x * x, List.of(1, 2, 3, 4)));
      Report.line(
          "offCallerThread",
          p.map((Integer x) -> Thread.currentThread().getId() != caller, List.of(1, 2, 3, 4)));
      Report.line(
          "concurrent",
          p.map(
              (Integer x) -> {
                BOTH.await(20, TimeUnit.SECONDS);
                return x;
              },
              List.of(1, 2)));
    }
    // threads alone carry no worker-JVM code; verify, which needs it, says what to add
    Report.line("toolkit", present("org.joblib4j.process.WorkerPool"));
    try (Parallel p = Parallel.builder().backend("verify").build()) {
      Report.line("verify", p.map((Integer x) -> x, List.of(1)));
    } catch (ParallelConfigurationException e) {
      Report.line("verify", e.getMessage());
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, ThreadingDefault.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
