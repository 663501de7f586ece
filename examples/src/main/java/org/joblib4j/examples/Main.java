package org.joblib4j.examples;

import java.io.PrintStream;
import java.util.Locale;
import org.joblib4j.examples.gridsearch.GridSearchSize;

/**
 * The demo: scikit-learn's {@code parallel_backend} examples, then a CPU-bound grid search timed
 * sequentially and in parallel.
 *
 * <pre>
 * java -jar examples/target/joblib4j-examples.jar            # default backend (threading)
 * java -Djoblib4j.backend=sequential -jar examples/target/joblib4j-examples.jar
 * JOBLIB4J_BACKEND=sequential java -jar examples/target/joblib4j-examples.jar
 * java -jar examples/target/joblib4j-examples.jar --small    # a tiny grid (a second or so)
 * </pre>
 */
public final class Main {
  private Main() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --small}, {@code --backend NAME}, {@code --n-jobs N}, {@code --verbose V},
   *     {@code --help}
   */
  public static void main(String[] args) {
    GridSearchSize size = GridSearchSize.DEMO;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--small")) {
        size = GridSearchSize.SMALL;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(usage());
        return;
      } else if ((arg.equals("--backend") || arg.equals("--n-jobs") || arg.equals("--verbose")) && i + 1 < args.length) {
        // the same keys an application would set: the demo names no backend in code
        System.setProperty("joblib4j." + arg.substring(2), args[++i]);
      } else {
        System.err.println("unknown argument: " + arg + System.lineSeparator() + usage());
        System.exit(2);
      }
    }
    run(System.out, size);
  }

  private static String usage() {
    return "usage: java -jar joblib4j-examples.jar [--backend NAME] [--n-jobs N] [--verbose V] [--small] [--help]"
        + System.lineSeparator()
        + "  --backend NAME  joblib4j.backend for every Parallel that names none; installed: "
        + org.joblib4j.Backends.available()
        + " (default " + org.joblib4j.Backends.defaultBackend() + ")"
        + System.lineSeparator()
        + "  --n-jobs N      joblib4j.n-jobs where the code sets none"
        + System.lineSeparator()
        + "  --verbose V     joblib's progress lines (stderr below 50)"
        + System.lineSeparator()
        + "  --small         a tiny grid search (a second or so)";
  }

  /**
   * Runs every example and the grid search.
   *
   * @param out where to print
   * @param size the grid search's size
   * @return the grid search's outcome
   */
  public static GridSearchOutcome run(PrintStream out, GridSearchSize size) {
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
    out.println("== CPU-bound workload: grid search (backend not named in code)");
    GridSearchOutcome outcome = new GridSearchDemo(out).run(size);
    out.println();
    out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return outcome;
  }
}
