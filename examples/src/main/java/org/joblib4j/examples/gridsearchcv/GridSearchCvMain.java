package org.joblib4j.examples.gridsearchcv;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.joblib4j.examples.cli.BackendStatus;
import org.joblib4j.examples.cli.CliOptions;
import org.joblib4j.examples.cli.ExampleCommand;
import org.joblib4j.examples.workload.SummaryTable;
import org.joblib4j.examples.workload.WorkloadRunner;
import org.joblib4j.examples.workload.WorkloadTiming;

/**
 * scikit-learn's {@code GridSearchCV(RandomForestClassifier(), param_grid, n_jobs=-1).fit(X, y)}
 * with Tribuo on the UCI breast cancer data set, on the backend named on the command line: prints
 * the best parameters, their mean cross-validated accuracy and the speed-up over n_jobs=1.
 *
 * <pre>
 * java -cp examples/target/joblib4j-examples.jar org.joblib4j.examples.gridsearchcv.GridSearchCvMain --backend loky
 * </pre>
 */
public final class GridSearchCvMain {
  private static final String PROGRAM = "GridSearchCvMain";

  /** The first line of {@link #usage()}. */
  static final String SYNOPSIS =
      "usage: java -cp joblib4j-examples.jar org.joblib4j.examples.gridsearchcv.GridSearchCvMain"
          + " [--backend NAME] [--n-jobs N] [--small] [--progress MODE] [--no-progress]"
          + " [--no-baseline] [--verbose V] [--help]";

  /** How many rows of {@code cv_results_} to print, best first. */
  private static final int TOP = 5;

  private GridSearchCvMain() {}

  /**
   * Runs the grid search.
   *
   * @param args see {@link #usage()}
   */
  public static void main(String[] args) {
    ExampleCommand.main(GridSearchCvMain.class, args, GridSearchCvMain::execute);
  }

  /**
   * Runs the grid search and says how it ended.
   *
   * @param args see {@link #usage()}
   * @param out where the results go
   * @param err where errors go: one line each, never a stack trace
   * @return the exit status: 0, or 2 for a bad command line, configuration or backend
   */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    return ExampleCommand.execute(
        args,
        out,
        err,
        PROGRAM,
        GridSearchCvMain::usage,
        (o, options, backend) -> GridSearchCvMain.run(o, options, backend));
  }

  /**
   * Runs the search in parallel and with n_jobs=1 (unless {@code --no-baseline}) and prints what it
   * found and the timings.
   *
   * @param out where to print
   * @param options the command line
   * @param backend the configured backend's name
   * @return the search's result and its timings
   */
  static Outcome run(PrintStream out, CliOptions options, String backend) {
    GridSearchCvWorkload workload =
        new GridSearchCvWorkload(
            options.small() ? GridSearchCvSize.SMALL : GridSearchCvSize.DEMO, backend);
    WorkloadRunner runner =
        new WorkloadRunner(out, options.progress(), options.nJobs(), options.baseline(), backend);
    WorkloadTiming timing = runner.run(workload);
    GridSearchCvResult result = workload.lastResult();
    ranking(result).forEach(out::println);
    out.println();
    out.println("== speed-up over n_jobs=1");
    // one workload: its row is the total
    SummaryTable.lines(List.of(timing)).stream()
        .filter(l -> !l.startsWith("total "))
        .forEach(out::println);
    return new Outcome(result, timing);
  }

  /**
   * The best rows of {@code cv_results_}: rank, mean and standard deviation of the accuracy, and
   * the parameters.
   */
  static List<String> ranking(GridSearchCvResult result) {
    List<String> lines = new ArrayList<>();
    lines.add("rank_test_score  mean_test_score  std_test_score  params");
    List<Integer> order =
        IntStream.range(0, result.candidates().size())
            .boxed()
            .sorted(Comparator.comparingDouble((Integer c) -> -result.meanScores()[c]))
            .toList();
    for (int r = 0; r < Math.min(TOP, order.size()); r++) {
      double mean = result.meanScores()[order.get(r)];
      int c = order.get(r);
      // scikit-learn's rank: ties share the lowest rank
      long rank = 1 + Arrays.stream(result.meanScores()).filter(m -> m > mean).count();
      lines.add(
          String.format(
              Locale.ROOT,
              "%15d  %15.4f  %14.4f  %s",
              rank,
              mean,
              result.stdScores()[c],
              result.candidates().get(c)));
    }
    return lines;
  }

  /**
   * Returns the help text, listing the backends that run here and those that are missing.
   *
   * @return the lines, joined by the line separator
   */
  static String usage() {
    List<String> lines = new ArrayList<>();
    lines.add(SYNOPSIS);
    lines.add(
        "scikit-learn's GridSearchCV(RandomForestClassifier(), param_grid, cv=5, n_jobs=-1) with");
    lines.add(
        "Tribuo on the UCI breast cancer data set: every (parameters, fold) fit is one task. Prints");
    lines.add("the best parameters, their mean CV accuracy and the speed-up over n_jobs=1.");
    lines.add(
        "  --backend NAME   joblib4j.backend for the search (default "
            + BackendStatus.defaultBackend()
            + ")");
    BackendStatus.lines().forEach(l -> lines.add("                   " + l));
    lines.add("  --n-jobs N       n_jobs of the parallel runs (default -1)");
    lines.add("  --small          2 candidates x 5 folds instead of 12 x 5");
    lines.add("  --progress MODE  auto (default), bar, plain or off; --no-progress: off");
    lines.add("  --no-baseline    skip the n_jobs=1 run (and the speed-up)");
    lines.add("  --verbose V      joblib's progress lines (stderr below 50)");
    lines.add("  --help, -h       this text");
    return String.join(System.lineSeparator(), lines);
  }

  /**
   * What a run found and how long it took.
   *
   * @param result the search's result (of the last parallel run)
   * @param timing its timings
   */
  record Outcome(GridSearchCvResult result, WorkloadTiming timing) {}
}
