package org.joblib4j.examples.workload;

import java.io.PrintStream;

/**
 * multiprocessing starts fresh worker JVMs for every call; unless told otherwise, the examples keep
 * as many warm spares between calls as n_jobs=-1 (or --n-jobs) uses, and say so. Not the I/O
 * workload's 8: every spare boots right after a call, on the CPUs the n_jobs=1 run then uses.
 */
public final class SpareWorkers {
  private static final String SPARE_WORKERS = "joblib4j.backend.multiprocessing.spare-workers";
  private static final String SPARE_WORKERS_ENV = "JOBLIB4J_BACKEND_MULTIPROCESSING_SPARE_WORKERS";

  private SpareWorkers() {}

  /**
   * Sets the spare count, unless a property or the environment sets it, and prints it.
   *
   * @param out where the line goes
   * @param nJobs {@code --n-jobs}, or {@code null}
   */
  public static void keep(PrintStream out, Integer nJobs) {
    if (System.getProperty(SPARE_WORKERS) != null || System.getenv(SPARE_WORKERS_ENV) != null) {
      return;
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    int n = nJobs != null ? nJobs : -1;
    int spares = n < 0 ? Math.max(1, cpus + 1 + n) : n;
    System.setProperty(SPARE_WORKERS, String.valueOf(spares));
    out.println(
        "== multiprocessing starts fresh worker JVMs for every call: this demo keeps "
            + spares
            + " warm spares booted between calls ("
            + SPARE_WORKERS
            + "="
            + spares
            + "; set it to choose, 0 for none)");
    out.println();
  }
}
