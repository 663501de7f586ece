package org.joblib4j.examples.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closing summary: per workload and in total, the tasks, the parallel run's wall time, the
 * n_jobs=1 baseline's and the speed-up ({@code -} where the baseline was skipped). Where the
 * workers are other processes, a "first call" column shows the first parallel run (on workers that
 * had not run the workload) and a last line says what the columns compare.
 *
 * <pre>
 * workload     tasks  n_jobs  wall time  sequential  speed-up
 * primes          40      -1     0.45 s      0.83 s     1.84x
 * total           40             0.45 s      0.83 s     1.84x
 * </pre>
 */
public final class SummaryTable {
  /** What the columns compare when a first call was timed apart. */
  public static final String FIRST_CALL_NOTE =
      "first call: the workers' first run of the workload (JVM start-up, class loading, JIT);"
          + " wall time: the median of the next three runs on the same Parallel, warm as the n_jobs=1"
          + " run is";

  private SummaryTable() {}

  /**
   * Formats the table.
   *
   * @param timings the workloads' timings, in the order they ran
   * @return the lines, without line separators
   */
  public static List<String> lines(List<WorkloadTiming> timings) {
    int width = "workload".length();
    boolean firstCalls = false;
    for (WorkloadTiming t : timings) {
      width = Math.max(width, t.name().length());
      firstCalls |= t.hasFirstCall();
    }
    String name = "%-" + width + "s";
    String first = firstCalls ? " %10s" : "%s";
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            name + " %6s %7s" + first + " %10s %11s %9s",
            "workload",
            "tasks",
            "n_jobs",
            firstCalls ? "first call" : "",
            "wall time",
            "sequential",
            "speed-up"));
    int tasks = 0;
    long firstTotal = 0;
    long parallel = 0;
    long sequential = 0;
    boolean allBaselines = true;
    boolean allFirstCalls = true;
    for (WorkloadTiming t : timings) {
      lines.add(
          String.format(
              Locale.ROOT,
              name + " %6d %7d" + first + " %s",
              t.name(),
              t.tasks(),
              t.nJobs(),
              firstCalls ? seconds(t.firstCallNanos()) : "",
              times(t.parallelNanos(), t.sequentialNanos())));
      tasks += t.tasks();
      firstTotal += t.firstCallNanos();
      parallel += t.parallelNanos();
      sequential += t.sequentialNanos();
      allBaselines &= t.hasBaseline();
      allFirstCalls &= t.hasFirstCall();
    }
    lines.add(
        String.format(
            Locale.ROOT,
            name + " %6d %7s" + first + " %s",
            "total",
            tasks,
            "",
            firstCalls ? seconds(allFirstCalls ? firstTotal : -1) : "",
            times(parallel, allBaselines ? sequential : -1)));
    if (firstCalls) {
      lines.add(FIRST_CALL_NOTE);
    }
    return lines;
  }

  private static String seconds(long nanos) {
    return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static String times(long parallelNanos, long sequentialNanos) {
    if (sequentialNanos < 0) {
      return String.format(Locale.ROOT, "%8.2f s %11s %9s", parallelNanos / 1e9, "-", "-");
    }
    return String.format(
        Locale.ROOT,
        "%8.2f s %9.2f s %8.2fx",
        parallelNanos / 1e9,
        sequentialNanos / 1e9,
        (double) sequentialNanos / parallelNanos);
  }
}
