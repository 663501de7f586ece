package org.joblib4j.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders the measurements as a Markdown report: the machine, then one table per workload. */
final class MarkdownReport {
  private final StringBuilder md = new StringBuilder();
  private final List<Measurement> all;

  private MarkdownReport(List<Measurement> all) {
    this.all = all;
  }

  static String render(
      MachineInfo machine,
      String pythonLine,
      String method,
      Map<String, Double> load,
      long[] sizes,
      int cpuTasks,
      double cpuMillis,
      List<Measurement> all) {
    MarkdownReport r = new MarkdownReport(all);
    r.header(machine, pythonLine, method, load);
    r.noOpTable(sizes);
    r.cpuTable(cpuTasks, cpuMillis);
    return r.md.toString();
  }

  private void header(MachineInfo m, String pythonLine, String method, Map<String, Double> load) {
    line("# joblib4j `threading` vs a raw ExecutorService vs joblib");
    line("");
    m.markdownLines().forEach(this::line);
    line("- Python: " + pythonLine);
    line("- Method: " + method);
    LoadMonitor.markdownLines(load, m.availableProcessors()).forEach(this::line);
    line("");
  }

  private void noOpTable(long[] sizes) {
    line("## No-op tasks: throughput (higher is better)");
    line("");
    line("| tasks | implementation | runs | median wall time | tasks/s | vs baseline |");
    line("|---:|---|---:|---:|---:|---:|");
    for (long n : sizes) {
      Optional<Measurement> base = find("noop", Implementations.EXECUTOR_FRESH, n);
      for (String id :
          List.of(
              Implementations.EXECUTOR_FRESH,
              Implementations.EXECUTOR_REUSED,
              Implementations.JOBLIB4J_FRESH,
              Implementations.JOBLIB4J_REUSED,
              Implementations.PY_JOBLIB,
              Implementations.PY_EXECUTOR)) {
        find("noop", id, n)
            .ifPresent(
                m ->
                    line(
                        String.format(
                            Locale.ROOT,
                            "| %,d | %s | %d | %s | %,.0f | %s |",
                            n,
                            Implementations.label(id),
                            m.runs(),
                            duration(m.medianNanos()),
                            m.tasksPerSecond(),
                            base.map(b -> ratio(m.tasksPerSecond() / b.tasksPerSecond()))
                                .orElse("n/a"))));
      }
    }
    line("");
    line(
        "*vs baseline* = tasks/s divided by the fresh-pool ExecutorService's tasks/s for the same"
            + " number of tasks. joblib4j's `threading` backend groups tiny tasks into batches"
            + " (auto batch size), while the ExecutorService queues one entry per task. The Python"
            + " `ThreadPoolExecutor` rows are context for joblib's own overhead and run only up to"
            + " 100,000 tasks, to keep the whole run short.");
    line("");
  }

  private void cpuTable(int tasks, double millis) {
    String javaOne =
        find("cpu", Implementations.SINGLE_TASK, 1).map(m -> duration(m.medianNanos())).orElse("?");
    String pyOne =
        find("cpu", Implementations.PY_SINGLE_TASK, 1)
            .map(m -> ", Python " + duration(m.medianNanos()))
            .orElse("");
    line(
        String.format(
            Locale.ROOT,
            "## CPU-bound: %d tasks of ~%.0f ms each (one task measured alone: Java %s%s)",
            tasks,
            millis,
            javaOne,
            pyOne));
    line("");
    line("| implementation | runs | median wall time | speed-up over sequential | vs baseline |");
    line("|---|---:|---:|---:|---:|");
    Optional<Measurement> seq = find("cpu", Implementations.SEQUENTIAL, tasks);
    Optional<Double> baseSpeedUp =
        find("cpu", Implementations.EXECUTOR_FRESH, tasks).flatMap(b -> speedUp(seq, b));
    for (String id :
        List.of(
            Implementations.SEQUENTIAL,
            Implementations.EXECUTOR_FRESH,
            Implementations.JOBLIB4J_FRESH,
            Implementations.JOBLIB4J_REUSED)) {
      find("cpu", id, tasks).ifPresent(m -> cpuRow(id, m, seq, baseSpeedUp));
    }
    Optional<Measurement> pySeq = find("cpu", Implementations.PY_SEQUENTIAL, tasks);
    for (String id : List.of(Implementations.PY_SEQUENTIAL, Implementations.PY_JOBLIB)) {
      find("cpu", id, tasks).ifPresent(m -> cpuRow(id, m, pySeq, baseSpeedUp));
    }
    line("");
    line(
        "*speed-up* = the sequential loop's median time (same language) divided by this row's;"
            + " *vs baseline* = this speed-up divided by the fresh-pool ExecutorService's.");
    line(
        "The Python tasks are a pure-Python loop calibrated to the same length; they hold the GIL,"
            + " so joblib's threading backend cannot run two of them at once.");
  }

  private void cpuRow(
      String id, Measurement m, Optional<Measurement> seq, Optional<Double> baseSpeedUp) {
    Optional<Double> s = speedUp(seq, m);
    line(
        String.format(
            Locale.ROOT,
            "| %s | %d | %s | %s | %s |",
            Implementations.label(id),
            m.runs(),
            duration(m.medianNanos()),
            s.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("n/a"),
            id.equals(Implementations.SEQUENTIAL) || id.equals(Implementations.PY_SEQUENTIAL)
                ? "—"
                : s.flatMap(v -> baseSpeedUp.map(b -> ratio(v / b))).orElse("n/a")));
  }

  private static Optional<Double> speedUp(Optional<Measurement> seq, Measurement m) {
    return seq.map(s -> s.medianNanos() / m.medianNanos());
  }

  private Optional<Measurement> find(String section, String id, long tasks) {
    return all.stream()
        .filter(
            m -> m.section().equals(section) && m.implementation().equals(id) && m.tasks() == tasks)
        .findFirst();
  }

  static String ratio(double r) {
    // two decimals, or two significant digits for small ratios (0.0054×, not 0.01×)
    return String.format(Locale.ROOT, r >= 0.1 ? "%.2f×" : "%.2g×", r);
  }

  static String duration(double nanos) {
    if (nanos < 1e6) {
      return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }
    if (nanos < 1e10) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private void line(String s) {
    md.append(s).append('\n');
  }
}
