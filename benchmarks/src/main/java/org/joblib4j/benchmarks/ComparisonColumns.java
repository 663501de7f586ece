package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.joblib4j.examples.gridsearch.GridSearchSize;

/** The comparison's workloads, sized by the options. */
final class ComparisonColumns {
  private ComparisonColumns() {}

  static List<ComparisonColumn> of(ComparisonOptions o) {
    List<ComparisonColumn> columns = new ArrayList<>();
    for (long n : o.noopSizes()) {
      columns.add(
          new ComparisonColumn(
              "noop",
              n,
              String.format(Locale.ROOT, "no-op, %,d tasks: tasks/s", n),
              ComparisonColumn.Kind.THROUGHPUT));
    }
    columns.add(
        new ComparisonColumn(
            "cpu",
            o.cpuTasks(),
            String.format(
                Locale.ROOT, "CPU-bound, %d × %.0f ms: speed-up", o.cpuTasks(), o.cpuMillis()),
            ComparisonColumn.Kind.SPEED_UP));
    columns.add(
        new ComparisonColumn(
            "latency",
            o.latencyTasks(),
            String.format(Locale.ROOT, "one call of %d no-op tasks: latency", o.latencyTasks()),
            ComparisonColumn.Kind.LATENCY));
    columns.add(
        new ComparisonColumn(
            "io",
            o.ioTasks(),
            String.format(
                Locale.ROOT,
                "I/O-bound, %,d × %d ms waits, %d workers: tasks/s",
                o.ioTasks(),
                o.ioMillis(),
                o.ioJobs()),
            ComparisonColumn.Kind.THROUGHPUT));
    for (GridSearchSize g : o.gridSizes()) {
      columns.add(
          new ComparisonColumn(
              GridSearchCase.section(g),
              g.fits(),
              String.format(
                  Locale.ROOT,
                  "grid search %d × %d, %d fits, scatter=[X, y]: speed-up",
                  g.nSamples(),
                  g.nFeatures(),
                  g.fits()),
              ComparisonColumn.Kind.SPEED_UP));
    }
    return columns;
  }
}
