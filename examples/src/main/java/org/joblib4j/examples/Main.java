package org.joblib4j.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.UnknownBackendException;
import org.joblib4j.examples.cli.CliOptions;
import org.joblib4j.examples.workload.DemoWorkloads;
import org.joblib4j.examples.workload.SummaryTable;
import org.joblib4j.examples.workload.Workload;
import org.joblib4j.examples.workload.WorkloadRunner;
import org.joblib4j.examples.workload.WorkloadTiming;

/**
 * The demo: scikit-learn's {@code parallel_backend} examples, then a CPU-bound, an I/O-bound and a
 * grid search workload, each with a progress display and timed against n_jobs=1, and a summary.
 *
 * <pre>
 * java -jar examples/target/joblib4j-examples.jar            # default backend (threading)
 * java -jar examples/target/joblib4j-examples.jar --backend loky --progress plain
 * JOBLIB4J_BACKEND=sequential java -jar examples/target/joblib4j-examples.jar
 * java -jar examples/target/joblib4j-examples.jar --help     # every option, installed backends
 * </pre>
 */
public final class Main {
  private static final String SPARE_WORKERS = "joblib4j.backend.multiprocessing.spare-workers";
  private static final String SPARE_WORKERS_ENV = "JOBLIB4J_BACKEND_MULTIPROCESSING_SPARE_WORKERS";

  private Main() {}

  /**
   * Runs the demo.
   *
   * @param args see {@link CliOptions#usage()}
   */
  public static void main(String[] args) {
    int status = execute(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the demo and says how it ended.
   *
   * @param args see {@link CliOptions#usage()}
   * @param out where the demo prints
   * @param err where errors go: one line each, never a stack trace
   * @return the exit status: 0, or 2 for a bad command line, configuration or backend
   */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    CliOptions options;
    try {
      options = CliOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage() + System.lineSeparator() + CliOptions.usage());
      return 2;
    }
    if (options.help()) {
      out.println(CliOptions.usage());
      return 0;
    }
    // the same keys an application would set: the demo names no backend in code
    setProperty("joblib4j.backend", options.backend());
    setProperty("joblib4j.n-jobs", options.nJobs());
    setProperty("joblib4j.verbose", options.verbose());
    String backend;
    try {
      // resolves the configured backend before anything runs, so a missing jar or runtime (Ray's
      // jar, Dask's Python packages) is one line
      try (Parallel p = Parallel.builder().build()) {
        backend = p.backendName();
      }
    } catch (UnknownBackendException | ParallelConfigurationException | IllegalStateException e) {
      err.println("joblib4j-examples: " + e.getMessage());
      return 2;
    }
    run(out, options, backend);
    return 0;
  }

  /**
   * multiprocessing starts fresh worker JVMs for every call; unless told otherwise, the demo keeps
   * as many warm spares between calls as n_jobs=-1 (or --n-jobs) uses, and says so. Not the I/O
   * workload's 8: every spare boots right after a call, on the CPUs the n_jobs=1 run then uses.
   */
  private static void keepSpareWorkers(PrintStream out, Integer nJobs) {
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

  private static void setProperty(String key, Object value) {
    if (value != null) {
      System.setProperty(key, value.toString());
    }
  }

  /**
   * Runs every example and workload and prints the summary.
   *
   * @param out where to print
   * @param options the command line
   * @param backend the configured backend's name
   * @return the workloads' timings
   */
  public static List<WorkloadTiming> run(PrintStream out, CliOptions options, String backend) {
    long start = System.nanoTime();
    MissionExamples examples = new MissionExamples(out);
    out.println("== Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))");
    examples.sqrt();
    out.println();
    out.println("== with parallel_backend('threading'): Parallel()(delayed(neg)(i + 1) ...)");
    examples.negation();
    out.println();
    out.println("== a ParallelConfig scope around library code that names no backend");
    examples.scopedLibrary();
    out.println();
    out.println("== installed backends");
    examples.backends();
    out.println();

    List<Workload<?>> workloads = DemoWorkloads.create(options.small(), backend);
    if ("multiprocessing".equals(backend)) {
      keepSpareWorkers(out, options.nJobs());
    }
    WorkloadRunner runner =
        new WorkloadRunner(out, options.progress(), options.nJobs(), options.baseline(), backend);
    List<WorkloadTiming> timings = new ArrayList<>();
    for (Workload<?> workload : workloads) {
      timings.add(runner.run(workload));
    }
    out.println("== summary");
    SummaryTable.lines(timings).forEach(out::println);
    out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return timings;
  }
}
