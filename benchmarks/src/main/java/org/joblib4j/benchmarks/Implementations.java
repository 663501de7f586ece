package org.joblib4j.benchmarks;

import java.util.Map;

/** The implementations' ids, as stored in {@link Measurement}s, and their labels in the report. */
final class Implementations {
  static final String EXECUTOR_FRESH = "executor-fresh";
  static final String EXECUTOR_REUSED = "executor-reused";
  static final String JOBLIB4J_FRESH = "joblib4j-fresh";
  static final String JOBLIB4J_REUSED = "joblib4j-reused";
  static final String SEQUENTIAL = "sequential";
  static final String SINGLE_TASK = "single-task";
  static final String PY_JOBLIB = "python-joblib-threading";
  static final String PY_EXECUTOR = "python-ThreadPoolExecutor";
  static final String PY_SEQUENTIAL = "python-sequential";
  static final String PY_SINGLE_TASK = "python-single-task";

  private static final Map<String, String> LABELS =
      Map.of(
          EXECUTOR_FRESH,
              "Java `Executors.newFixedThreadPool(2)`, fresh pool per run (**baseline**)",
          EXECUTOR_REUSED, "Java `Executors.newFixedThreadPool(2)`, one pool reused",
          JOBLIB4J_FRESH, "joblib4j `threading`, nJobs 2, fresh `Parallel` per run",
          JOBLIB4J_REUSED,
              "joblib4j `threading`, nJobs 2, one `Parallel` reused (try-with-resources)",
          SEQUENTIAL, "Java plain loop in the caller thread (sequential reference)",
          PY_JOBLIB, "Python joblib `threading`, n_jobs=2",
          PY_EXECUTOR, "Python `ThreadPoolExecutor(2)` (context)",
          PY_SEQUENTIAL, "Python plain loop (sequential reference)");

  private Implementations() {}

  static String label(String id) {
    return LABELS.getOrDefault(id, id);
  }
}
