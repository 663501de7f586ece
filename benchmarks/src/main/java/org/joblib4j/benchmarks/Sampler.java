package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times a run repeatedly: up to {@code runs} times, stopping early (after at least {@code minRuns})
 * once the runs have taken {@code budgetNanos} in total.
 */
final class Sampler {
  /** One timed run; returns its own wall time in nanoseconds. */
  @FunctionalInterface
  interface TimedRun {
    long run() throws Exception;
  }

  private final int runs;
  private final int minRuns;
  private final long budgetNanos;

  Sampler(int runs, int minRuns, double budgetSeconds) {
    this.runs = runs;
    this.minRuns = Math.min(minRuns, runs);
    this.budgetNanos = (long) (budgetSeconds * 1e9);
  }

  /**
   * Runs several implementations of one workload, round-robin (run 1 of each, then run 2 of each,
   * ...), so slow drift of the machine affects them alike.
   */
  List<Measurement> interleaved(
      String section, long tasks, List<String> names, List<TimedRun> runsOf) throws Exception {
    List<List<Long>> times = new ArrayList<>();
    long[] total = new long[names.size()];
    for (int i = 0; i < names.size(); i++) {
      times.add(new ArrayList<>());
    }
    for (int r = 0; r < runs; r++) {
      boolean any = false;
      for (int k = 0; k < names.size(); k++) {
        int i = (k + r) % names.size();
        if (r >= minRuns && total[i] >= budgetNanos) {
          continue;
        }
        System.gc();
        long t = runsOf.get(i).run();
        times.get(i).add(t);
        total[i] += t;
        any = true;
        System.err.printf(
            Locale.ROOT,
            "[bench] %s %,d tasks, %s, run %d/%d: %.3f s%n",
            section,
            tasks,
            names.get(i),
            r + 1,
            runs,
            t / 1e9);
      }
      if (!any) {
        break;
      }
    }
    List<Measurement> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(new Measurement(section, names.get(i), tasks, List.copyOf(times.get(i))));
    }
    return out;
  }
}
