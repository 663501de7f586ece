package org.joblib4j.examples.cpubudget;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.joblib4j.ConfigKeys;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.FoldScore;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;

/**
 * The shared CPU budget, measured: a nested grid search (outer folds x inner fits, n_jobs=-1 at
 * both levels) on threads, with {@code joblib4j.cpu-budget} off (joblib's behaviour: the inner
 * calls multiply the threads) and {@code shared}, alternately, a few times each. Prints each run's
 * wall time, its CPU time, the most fits that ran at once, and the most and the mean runnable
 * threads sampled with {@code ThreadMXBean}, then the medians.
 *
 * <pre>
 * java -cp joblib4j-examples.jar org.joblib4j.examples.cpubudget.CpuBudgetDemo [runs [outer-folds]]
 * </pre>
 */
public final class CpuBudgetDemo {
  /**
   * The outer folds by default: a multiple of 2 and 4 CPUs, so no outer fold runs alone at the end
   * (where its share, fixed when it started, would leave CPUs idle).
   */
  static final int OUTER_FOLDS = 4;

  static final int INNER_FOLDS = 3;

  private CpuBudgetDemo() {}

  /** One run's figures. */
  record Run(
      String budget,
      double seconds,
      double cpuSeconds,
      int peakFits,
      int peakRunnable,
      double meanRunnable) {}

  /**
   * Runs the demonstration.
   *
   * @param args the number of runs of each setting (default 5), the outer folds (default 4)
   */
  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int folds = args.length > 1 ? Integer.parseInt(args[1]) : OUTER_FOLDS;
    run(System.out, GridSearchSize.DEMO, runs, folds);
  }

  static void run(PrintStream out, GridSearchSize size, int runs, int outerFolds) {
    SyntheticData data =
        SyntheticData.generate(size.nSamples(), size.nFeatures(), size.noise(), size.seed());
    List<Split> outer = KFold.split(size.nSamples(), outerFolds, size.seed());
    out.printf(
        Locale.ROOT,
        "nested grid search: %d outer folds x (%d penalties x %d inner folds + 1 refit) ridge fits,"
            + " %d x %d, n_jobs=-1 at both levels, backend %s, %d CPUs, load average %.2f%n",
        outerFolds,
        size.alphas().length,
        INNER_FOLDS,
        size.nSamples(),
        size.nFeatures(),
        Parallel.builder().build().backendName(),
        Parallel.cpuCount(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    List<FoldScore> expected = measure("off", data, outer, size.alphas()).scores();
    measure("shared", data, outer, size.alphas()); // both warm up the JIT
    List<Run> off = new ArrayList<>();
    List<Run> shared = new ArrayList<>();
    out.println(
        "run  cpu-budget  wall time  CPU time  peak running fits  peak runnable threads  mean");
    for (int i = 1; i <= runs; i++) {
      for (String budget : List.of("off", "shared")) {
        Measured got = measure(budget, data, outer, size.alphas());
        if (!got.scores().equals(expected)) {
          throw new IllegalStateException("the scores changed with cpu-budget=" + budget);
        }
        (budget.equals("off") ? off : shared).add(got.run());
        print(out, Integer.toString(i), got.run());
      }
    }
    print(out, "median", median("off", off));
    print(out, "median", median("shared", shared));
    out.println("same scores with and without the budget: true");
  }

  /** One run: its scores and its figures. */
  record Measured(List<FoldScore> scores, Run run) {}

  static Measured measure(String budget, SyntheticData data, List<Split> outer, double[] alphas) {
    System.setProperty(ConfigKeys.CPU_BUDGET, budget);
    try {
      RunningFits.reset();
      BusyThreadSampler sampler = new BusyThreadSampler();
      long cpu = processCpuNanos();
      long start = System.nanoTime();
      List<FoldScore> scores = NestedCrossValidation.run(data, outer, alphas, INNER_FOLDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
      BusyThreadSampler.Sample busy = sampler.stop();
      return new Measured(
          scores,
          new Run(
              budget,
              seconds,
              cpuSeconds,
              RunningFits.peak(),
              busy.peakRunnable(),
              busy.meanRunnable()));
    } finally {
      System.clearProperty(ConfigKeys.CPU_BUDGET);
    }
  }

  /** The CPU time of this JVM so far (the sampler's own share included, alike in both settings). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void print(PrintStream out, String label, Run r) {
    out.printf(
        Locale.ROOT,
        "%-6s %-9s %7.2f s  %6.2f s  %17d  %21d  %4.1f%n",
        label,
        r.budget(),
        r.seconds(),
        r.cpuSeconds(),
        r.peakFits(),
        r.peakRunnable(),
        r.meanRunnable());
  }

  /** The median of each figure on its own. */
  static Run median(String budget, List<Run> runs) {
    return new Run(
        budget,
        median(runs.stream().mapToDouble(Run::seconds).toArray()),
        median(runs.stream().mapToDouble(Run::cpuSeconds).toArray()),
        (int) Math.round(median(runs.stream().mapToDouble(Run::peakFits).toArray())),
        (int) Math.round(median(runs.stream().mapToDouble(Run::peakRunnable).toArray())),
        median(runs.stream().mapToDouble(Run::meanRunnable).toArray()));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
