package org.joblib4j.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.joblib4j.examples.cli.CliOptions;
import org.joblib4j.examples.cli.ExampleCommand;
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
  private Main() {}

  /**
   * Runs the demo.
   *
   * @param args see {@link CliOptions#usage()}
   */
  public static void main(String[] args) {
    ExampleCommand.main(Main.class, args, Main::execute);
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
    return ExampleCommand.execute(
        args,
        out,
        err,
        "joblib4j-examples",
        CliOptions::usage,
        (o, options, backend) -> Main.run(o, options, backend));
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
