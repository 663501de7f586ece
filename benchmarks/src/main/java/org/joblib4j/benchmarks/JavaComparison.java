package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Measures the Java side of the comparison: every workload, the implementations interleaved run by
 * run (see {@link Sampler}), after a warm-up of each.
 */
final class JavaComparison {
  private final ComparisonOptions o;
  private final List<JavaContender> contenders;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<NotRun> skipped = new ArrayList<>();
  private final List<String> gridNotes = new ArrayList<>();

  private JavaComparison(ComparisonOptions o, List<JavaContender> contenders) {
    this.o = o;
    this.contenders = contenders;
  }

  /**
   * Runs every workload.
   *
   * @param o the settings
   * @param contenders who runs them
   * @return what was measured, and what was skipped
   * @throws Exception if a run fails
   */
  static JavaComparison measure(ComparisonOptions o, List<JavaContender> contenders)
      throws Exception {
    JavaComparison c = new JavaComparison(o, contenders);
    c.run();
    return c;
  }

  List<Measurement> measurements() {
    return measurements;
  }

  List<NotRun> skipped() {
    return skipped;
  }

  private void run() throws Exception {
    System.err.println("[compare] warming up the Java implementations");
    for (JavaContender c : with(JavaContender::noop, "noop")) {
      for (int i = 0; i < o.warmupRounds(); i++) {
        c.noop().apply(o.warmupTasks()).run();
        c.noop().apply(o.latencyTasks()).run();
      }
    }
    List<JavaContender> noop = with(JavaContender::noop, "noop");
    for (long size : o.noopSizes()) {
      int n = Math.toIntExact(size);
      sample(3 * o.runs(), "noop", n, noop, c -> c.noop().apply(n));
    }
    with(JavaContender::noop, "latency"); // the same runs, so the same skips
    sample(
        o.latencyRuns(), "latency", o.latencyTasks(), noop, c -> c.noop().apply(o.latencyTasks()));

    System.err.println("[compare] calibrating the CPU-bound task");
    CpuBoundTasks cpu = new CpuBoundTasks(o.cpuTasks(), CpuWork.calibrate(o.cpuMillis()));
    List<JavaContender> cpuBound = with(JavaContender::cpu, "cpu");
    for (JavaContender c : cpuBound) {
      c.cpu().apply(cpu).run(); // one untimed round: warm workers, JIT-compiled loop
    }
    sample(o.runs(), "cpu", o.cpuTasks(), cpuBound, c -> c.cpu().apply(cpu));

    List<JavaContender> io = with(JavaContender::io, "io");
    for (JavaContender c : io) {
      c.io().apply(o.ioTasks()).run();
    }
    sample(o.runs(), "io", o.ioTasks(), io, c -> c.io().apply(o.ioTasks()));

    for (GridSearchCase grid : o.gridCases()) {
      System.err.println("[compare] grid search " + grid.section());
      List<JavaContender> fits = with(JavaContender::grid, grid.section());
      for (JavaContender c : fits) {
        c.grid().apply(grid).run(); // warm workers and JIT; the scattered data reaches them once
      }
      sample(o.runs(), grid.section(), grid.fits(), fits, c -> c.grid().apply(grid));
      gridNotes.add(grid.bytesLine());
    }
  }

  /** What the grid search sent to worker JVMs, a line per size. */
  List<String> gridNotes() {
    return gridNotes;
  }

  private void sample(
      int runs,
      String section,
      int tasks,
      List<JavaContender> who,
      Function<JavaContender, Sampler.TimedRun> run)
      throws Exception {
    measurements.addAll(
        new Sampler(runs, 3, o.budgetSeconds())
            .interleaved(
                section,
                tasks,
                who.stream().map(JavaContender::id).toList(),
                who.stream().map(run).toList()));
  }

  /** The contenders that run a workload; records the others as skipped. */
  private List<JavaContender> with(Function<JavaContender, Object> workload, String section) {
    List<JavaContender> out = new ArrayList<>();
    for (JavaContender c : contenders) {
      if (workload.apply(c) != null) {
        out.add(c);
      } else if (skipped.stream()
          .noneMatch(s -> s.implementation().equals(c.id()) && s.section().equals(section))) {
        skipped.add(
            new NotRun(
                c.id(),
                section,
                section.startsWith("grid-")
                    ? "the grid search is written against joblib4j's API (as scikit-learn's is against joblib's)"
                    : Objects.requireNonNull(c.skipped())));
      }
    }
    return out;
  }
}
