package org.joblib4j.benchmarks;

import java.nio.file.Path;
import java.util.List;
import org.joblib4j.examples.gridsearch.GridSearchSize;

/**
 * The comparison's settings, from the command line.
 *
 * @param quick smaller sizes and fewer runs, for a smoke test
 * @param noopSizes no-op task counts (throughput)
 * @param runs Java and Python runs per measurement (at least 3 Java runs, 1 Python run)
 * @param budgetSeconds a measurement stops repeating once its runs took this long
 * @param warmupRounds warm-up rounds of {@code warmupTasks} no-op tasks per Java implementation
 * @param warmupTasks the tasks in one warm-up round
 * @param cpuTasks CPU-bound tasks
 * @param cpuMillis the length of one CPU-bound task
 * @param latencyTasks the no-op tasks of one call whose latency is measured
 * @param latencyRuns the calls timed
 * @param ioTasks I/O-bound tasks
 * @param ioMillis how long each waits
 * @param ioJobs workers for the I/O-bound tasks
 * @param gridSizes the grid search's data sets
 * @param python {@code false} to skip Python
 * @param pythonPath the interpreter, or {@code null} to look for one
 * @param out the folder for comparison.md and comparison.png, or {@code null} for next to the jar
 * @param publish also rewrite docs/performance.md's comparison block and copy the chart to docs/
 * @param repo the repository root that {@code publish} writes to
 */
record ComparisonOptions(
    boolean quick,
    long[] noopSizes,
    int runs,
    double budgetSeconds,
    int warmupRounds,
    int warmupTasks,
    int cpuTasks,
    double cpuMillis,
    int latencyTasks,
    int latencyRuns,
    int ioTasks,
    long ioMillis,
    int ioJobs,
    List<GridSearchSize> gridSizes,
    boolean python,
    String pythonPath,
    Path out,
    boolean publish,
    Path repo) {

  static final String USAGE =
      "usage: java -jar joblib4j-benchmarks.jar [--quick] [--out DIR] [--publish] [--repo DIR]"
          + " [--no-python] [--python=PATH]\n"
          + "  --quick      small sizes and few runs: a smoke test, not numbers to publish\n"
          + "  --out DIR    where to write comparison.md and comparison.png (default: next to the"
          + " jar)\n"
          + "  --publish    also rewrite docs/performance.md's comparison block and copy the"
          + " chart to docs/comparison.png\n"
          + "  --repo DIR   the repository root for --publish (default: the current folder)";

  /**
   * Builds the grid search's data sets (each call builds them anew).
   *
   * @return one case per size
   */
  List<GridSearchCase> gridCases() {
    return gridSizes.stream().map(GridSearchCase::new).toList();
  }

  static ComparisonOptions parse(String[] args) {
    boolean quick = false;
    boolean python = true;
    String pythonPath = null;
    Path out = null;
    boolean publish = false;
    Path repo = Path.of(".");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.equals("--no-python")) {
        python = false;
      } else if (a.startsWith("--python=")) {
        pythonPath = a.substring("--python=".length());
      } else if (a.equals("--publish")) {
        publish = true;
      } else if (a.equals("--out") || a.equals("--repo")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a folder\n" + USAGE);
        }
        Path p = Path.of(args[++i]);
        if (a.equals("--out")) {
          out = p;
        } else {
          repo = p;
        }
      } else if (a.startsWith("--out=")) {
        out = Path.of(a.substring("--out=".length()));
      } else if (a.startsWith("--repo=")) {
        repo = Path.of(a.substring("--repo=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
      }
    }
    if (quick) {
      return new ComparisonOptions(
          true,
          new long[] {1_000, 10_000},
          3,
          2,
          2,
          1_000,
          4,
          20,
          10,
          5,
          100,
          10,
          64,
          List.of(GridSearchSize.SMALL),
          python,
          pythonPath,
          out,
          publish,
          repo);
    }
    return new ComparisonOptions(
        false,
        new long[] {10_000, 100_000},
        7,
        10,
        5,
        10_000,
        16,
        100,
        10,
        30,
        1_000,
        10,
        64,
        List.of(GridSearchSize.DEMO, GridSearchSize.LARGE),
        python,
        pythonPath,
        out,
        publish,
        repo);
  }
}
