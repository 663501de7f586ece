package org.joblib4j.examples.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closing summary: per workload and in total, the tasks, the parallel run's wall time, the
 * n_jobs=1 baseline's and the speed-up ({@code -} where the baseline was skipped).
 *
 * <pre>
 * workload     tasks  n_jobs  wall time  sequential  speed-up
 * primes          40      -1     0.45 s      0.83 s     1.84x
 * total           40             0.45 s      0.83 s     1.84x
 * </pre>
 */
public final class SummaryTable {
  private SummaryTable() {}

  /**
   * Formats the table.
   *
   * @param timings the workloads' timings, in the order they ran
   * @return the lines, without line separators
   */
  public static List<String> lines(List<WorkloadTiming> timings) {
    int width = "workload".length();
    for (WorkloadTiming t : timings) {
      width = Math.max(width, t.name().length());
    }
    String name = "%-" + width + "s";
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, name + " %6s %7s %10s %11s %9s",
        "workload", "tasks", "n_jobs", "wall time", "sequential", "speed-up"));
    int tasks = 0;
    long parallel = 0;
    long sequential = 0;
    boolean allBaselines = true;
    for (WorkloadTiming t : timings) {
      lines.add(String.format(Locale.ROOT, name + " %6d %7d %s",
          t.name(), t.tasks(), t.nJobs(), times(t.parallelNanos(), t.sequentialNanos())));
      tasks += t.tasks();
      parallel += t.parallelNanos();
      sequential += t.sequentialNanos();
      allBaselines &= t.hasBaseline();
    }
    lines.add(String.format(Locale.ROOT, name + " %6d %7s %s",
        "total", tasks, "", times(parallel, allBaselines ? sequential : -1)));
    return lines;
  }

  private static String times(long parallelNanos, long sequentialNanos) {
    if (sequentialNanos < 0) {
      return String.format(Locale.ROOT, "%8.2f s %11s %9s", parallelNanos / 1e9, "-", "-");
    }
    return String.format(Locale.ROOT, "%8.2f s %9.2f s %8.2fx",
        parallelNanos / 1e9, sequentialNanos / 1e9, (double) sequentialNanos / parallelNanos);
  }
}
