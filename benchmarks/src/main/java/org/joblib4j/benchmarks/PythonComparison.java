package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Measures the Python side of the comparison: joblib's threading, loky and multiprocessing, and
 * scikit-learn's {@code GridSearchCV} on those and on joblib's dask backend.
 */
final class PythonComparison {
  static final List<String> BACKENDS = List.of("threading", "loky", "multiprocessing");

  private final List<Measurement> measurements;
  private final String description;
  private final String notRun;

  private PythonComparison(List<Measurement> measurements, String description, String notRun) {
    this.measurements = measurements;
    this.description = description;
    this.notRun = notRun;
  }

  /**
   * Runs the bundled script, or explains why not.
   *
   * @param o the settings
   * @return the results
   * @throws Exception if the script fails
   */
  static PythonComparison measure(ComparisonOptions o) throws Exception {
    if (!o.python()) {
      return new PythonComparison(List.of(), "skipped (--no-python)", "--no-python");
    }
    Optional<String> python =
        PythonJoblib.find(o.pythonPath() != null ? o.pythonPath() : "/usr/bin/python3");
    if (python.isEmpty()) {
      String why = "no python3 that can `import joblib` (apt-get install python3-joblib)";
      return new PythonComparison(List.of(), "skipped: " + why, why);
    }
    System.err.println("[compare] running joblib with " + python.get());
    PythonResults r =
        PythonJoblib.run(
            python.get(),
            List.of(
                "--sizes",
                Arrays.stream(o.noopSizes())
                    .mapToObj(Long::toString)
                    .collect(Collectors.joining(",")),
                "--runs",
                Integer.toString(o.runs()),
                "--budget",
                Double.toString(o.budgetSeconds()),
                "--cpu-tasks",
                Integer.toString(o.cpuTasks()),
                "--cpu-ms",
                Double.toString(o.cpuMillis()),
                "--executor-max-size",
                "0",
                "--backends",
                String.join(",", BACKENDS),
                "--latency-tasks",
                Integer.toString(o.latencyTasks()),
                "--latency-runs",
                Integer.toString(o.latencyRuns()),
                "--io-tasks",
                Integer.toString(o.ioTasks()),
                "--io-ms",
                Long.toString(o.ioMillis()),
                "--io-jobs",
                Integer.toString(o.ioJobs()),
                "--grid-sizes",
                o.gridSizes().stream()
                    .map(
                        g ->
                            g.nSamples()
                                + "x"
                                + g.nFeatures()
                                + "x"
                                + g.nFolds()
                                + "@"
                                + Arrays.stream(g.alphas())
                                    .mapToObj(Double::toString)
                                    .collect(Collectors.joining("/")))
                    .collect(Collectors.joining(",")),
                "--grid-runs",
                Integer.toString(Math.min(o.runs(), 3))),
            3600);
    return new PythonComparison(r.measurements(), r.describe(), null);
  }

  static String id(String backend) {
    return "python-joblib-" + backend;
  }

  /**
   * Returns the Python rows of the table, the plain loop last.
   *
   * @param o the settings
   * @return the entries
   */
  List<ComparisonEntry> entries(ComparisonOptions o) {
    List<ComparisonEntry> out = new ArrayList<>();
    for (String b : BACKENDS) {
      String jobs = b.equals("threading") ? " (" + o.ioJobs() + " for I/O)" : "";
      out.add(
          new ComparisonEntry(
              id(b),
              "Python joblib `" + b + "`, n_jobs=" + NoOpTasks.THREADS + jobs,
              JavaContenders.PY_LOOP,
              notRun));
    }
    out.add(
        new ComparisonEntry(
            id("dask"),
            "Python joblib `dask` + scikit-learn (LocalCluster, 2 single-thread workers, scatter=[X, y])",
            JavaContenders.PY_LOOP,
            notRun));
    out.add(
        new ComparisonEntry(
            JavaContenders.PY_LOOP,
            "Python plain loop (the Python speed-up's reference)",
            JavaContenders.PY_LOOP,
            notRun));
    return out;
  }

  /**
   * Returns the workloads the script does not run.
   *
   * @param o the settings
   * @return the skips
   */
  List<NotRun> skipped(ComparisonOptions o) {
    String processes = o.ioJobs() + " workers would be " + o.ioJobs() + " worker processes";
    String loop = "the reference for the speed-ups only";
    String gridOnly = "run for the grid search only";
    return List.of(
        new NotRun(id("dask"), "noop", gridOnly),
        new NotRun(id("dask"), "latency", gridOnly),
        new NotRun(id("dask"), "cpu", gridOnly),
        new NotRun(id("dask"), "io", gridOnly),
        new NotRun(id("loky"), "io", processes),
        new NotRun(id("multiprocessing"), "io", processes),
        new NotRun(JavaContenders.PY_LOOP, "noop", loop),
        new NotRun(JavaContenders.PY_LOOP, "latency", loop),
        new NotRun(JavaContenders.PY_LOOP, "io", loop));
  }

  List<Measurement> measurements() {
    return measurements;
  }

  /** The interpreter and joblib version, or why Python was skipped. */
  String description() {
    return description;
  }
}
