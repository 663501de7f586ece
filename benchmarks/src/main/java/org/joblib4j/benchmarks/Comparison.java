package org.joblib4j.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side comparison on the machine at hand, in one run: every local joblib4j backend
 * against a raw {@code ExecutorService}, parallel streams and joblib's threading, loky and
 * multiprocessing backends ({@code ray} too, in a child JVM, when {@code RAY_DIST_JAR} is set), on
 * no-op throughput, CPU-bound speed-up, call latency and I/O-bound waits. Writes {@code
 * comparison.md} and {@code comparison.png}; with {@code --publish}, also the comparison block of
 * {@code docs/performance.md} and {@code docs/comparison.png}.
 *
 * <pre>
 * mvn -q -B -DskipTests package &amp;&amp; java -jar benchmarks/target/joblib4j-benchmarks.jar --publish
 * java -jar benchmarks/target/joblib4j-benchmarks.jar --quick   # a smoke test
 * </pre>
 */
public final class Comparison {
  private Comparison() {}

  /**
   * Runs the comparison.
   *
   * @param args see {@link ComparisonOptions#USAGE}
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    ComparisonOptions o;
    try {
      o = ComparisonOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    MachineInfo machine = MachineInfo.detect();
    Map<String, Double> load = new LinkedHashMap<>();
    List<Measurement> measurements = new ArrayList<>();
    List<NotRun> skipped = new ArrayList<>();
    List<ComparisonEntry> entries = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    LoadMonitor.Snapshot phase = LoadMonitor.now();
    try (JavaContenders java = JavaContenders.open(o)) {
      JavaComparison j = JavaComparison.measure(o, java.all());
      measurements.addAll(j.measurements());
      skipped.addAll(j.skipped());
      notes.addAll(j.gridNotes());
      for (JavaContender c : java.all()) {
        entries.add(new ComparisonEntry(c.id(), c.label(), JavaContenders.LOOP, null));
      }
      java.notRun()
          .forEach(
              (backend, why) ->
                  entries.add(
                      new ComparisonEntry(
                          JavaContenders.id(backend), JavaContenders.label(backend), null, why)));
    }
    String ray = RayComparison.missing();
    if (ray == null) {
      ResultProcess.Output r = RayComparison.measure(args);
      measurements.addAll(r.measurements());
      r.meta().entrySet().stream()
          .filter(e -> e.getKey().startsWith("skipped:"))
          .forEach(
              e ->
                  skipped.add(
                      new NotRun(
                          JavaContenders.id("ray"),
                          e.getKey().substring("skipped:".length()),
                          e.getValue())));
    }
    entries.add(
        new ComparisonEntry(
            JavaContenders.id("ray"), JavaContenders.ray(o).label(), RayComparison.LOOP, ray));
    load.put("Java", LoadMonitor.otherCpus(phase, LoadMonitor.now()));

    phase = LoadMonitor.now();
    PythonComparison py = PythonComparison.measure(o);
    load.put("Python", LoadMonitor.otherCpus(phase, LoadMonitor.now()));
    measurements.addAll(py.measurements());
    skipped.addAll(py.skipped(o));
    entries.addAll(py.entries(o));

    ComparisonTable table =
        ComparisonTableBuilder.build(
            entries.get(0), entries, ComparisonColumns.of(o), measurements, skipped);
    ComparisonReport report =
        new ComparisonReport(
            machine, py.description(), command(args), method(o, start), load, table, notes);
    write(o, report);
    System.exit(0); // the loky pool and a dask cluster would keep the JVM alive
  }

  private static void write(ComparisonOptions o, ComparisonReport report) throws Exception {
    Path dir = o.out() != null ? o.out() : defaultOut();
    Files.createDirectories(dir);
    String md = ComparisonMarkdown.document(report);
    Path mdFile = dir.resolve("comparison.md");
    Path png = dir.resolve("comparison.png");
    Files.writeString(mdFile, md, StandardCharsets.UTF_8);
    ComparisonChart.write(report.table(), chartSubtitle(report), png);
    System.out.println();
    System.out.print(md);
    System.err.println("[compare] wrote " + mdFile.toAbsolutePath().normalize() + " and " + png);
    if (o.publish()) {
      ComparisonPublisher.publish(o.repo(), ComparisonPublisher.block(report), png);
      System.err.println(
          "[compare] rewrote the comparison block of "
              + o.repo().resolve(ComparisonPublisher.PAGE).toAbsolutePath().normalize()
              + " and "
              + ComparisonPublisher.CHART);
    }
  }

  static String chartSubtitle(ComparisonReport r) {
    MachineInfo m = r.machine();
    return String.format(
        Locale.ROOT,
        "%s; %s, %d CPUs available; Java %s; Python: %s",
        m.date(),
        m.cpuModel(),
        m.availableProcessors(),
        System.getProperty("java.runtime.version"),
        r.python());
  }

  private static String method(ComparisonOptions o, long start) {
    return String.format(
        Locale.ROOT,
        "%d workers everywhere unless a column says otherwise; every joblib4j and joblib call"
            + " builds a fresh `Parallel` (as `Parallel(n_jobs=2)(...)` does in joblib) unless the"
            + " row says *reused*. After a warm-up of each Java implementation, each measurement"
            + " is repeated up to %d times (%d for no-op throughput, %d for call latency), stopping"
            + " early once its runs total %.0f s (never fewer than 3 Java runs / 1 Python run);"
            + " Java implementations are interleaved run by run with `System.gc()` before each"
            + " run. Reported: the **median** wall time of a call, covering creating the tasks,"
            + " submitting them and collecting every result. The CPU-bound tasks are calibrated"
            + " to the same length in each language (a JIT-compiled loop in Java, a pure-Python"
            + " loop in Python).%s Whole run: %.0f s.",
        NoOpTasks.THREADS,
        o.runs(),
        3 * o.runs(),
        o.latencyRuns(),
        o.budgetSeconds(),
        o.quick() ? " **Quick mode (`--quick`): small sizes, few runs; a smoke test only.**" : "",
        (System.nanoTime() - start) / 1e9);
  }

  /** The command line of this JVM, as it was typed (the JDK is named on its own line). */
  static String command(String[] args) {
    List<String> jvmArgs =
        ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
    if (jvmArgs.isEmpty()) {
      return "java -cp joblib4j-benchmarks.jar "
          + Comparison.class.getName()
          + " "
          + String.join(" ", args);
    }
    return ("java " + String.join(" ", jvmArgs)).trim();
  }

  private static Path defaultOut() {
    try {
      Path jar =
          Path.of(Comparison.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getParent();
    } catch (Exception | Error e) {
      return Path.of(".");
    }
  }
}
