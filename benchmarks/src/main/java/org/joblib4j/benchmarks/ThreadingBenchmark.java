package org.joblib4j.benchmarks;

import static org.joblib4j.benchmarks.Implementations.EXECUTOR_FRESH;
import static org.joblib4j.benchmarks.Implementations.EXECUTOR_REUSED;
import static org.joblib4j.benchmarks.Implementations.JOBLIB4J_FRESH;
import static org.joblib4j.benchmarks.Implementations.JOBLIB4J_REUSED;
import static org.joblib4j.benchmarks.Implementations.SEQUENTIAL;
import static org.joblib4j.benchmarks.Implementations.SINGLE_TASK;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;

/**
 * Measures, in one run on this machine: the throughput of no-op tasks and the speed-up of CPU-bound
 * tasks with joblib4j's {@code threading} backend, a raw {@code ExecutorService}, and (when a
 * python with joblib is installed) joblib's threading backend. Prints a Markdown report and writes
 * it to {@code threading-benchmark.md} next to the jar.
 *
 * <pre>
 * mvn -q -B -DskipTests package &amp;&amp; java -cp benchmarks/target/joblib4j-benchmarks.jar org.joblib4j.benchmarks.ThreadingBenchmark
 * java -cp benchmarks/target/joblib4j-benchmarks.jar org.joblib4j.benchmarks.ThreadingBenchmark --quick --no-python
 * </pre>
 *
 * <p>{@link Comparison} (the jar's main) puts these workloads side by side with every other backend
 * and joblib's; this harness goes into more detail for threading (reused pools, 10<sup>6</sup>
 * tasks).
 */
public final class ThreadingBenchmark {
  /** No-op measurements of at most this many tasks get three times the runs. */
  static final long SHORT_RUN_TASKS = 100_000;

  private ThreadingBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args see {@link BenchmarkOptions#USAGE}
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    BenchmarkOptions o;
    try {
      o = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    MachineInfo machine = MachineInfo.detect();
    List<String> backends = Backends.available();
    if (!backends.contains("threading")) {
      throw new IllegalStateException(
          "the threading backend is not installed (available: " + backends + ")");
    }
    Map<String, Double> load = new LinkedHashMap<>();
    List<Measurement> all = new ArrayList<>(javaMeasurements(o, load));

    String pythonLine;
    if (!o.python()) {
      pythonLine = "skipped (--no-python)";
    } else {
      Optional<String> python = PythonJoblib.find(o.pythonPath());
      if (python.isEmpty()) {
        pythonLine =
            "skipped: no python3 that can `import joblib` (apt-get install python3-joblib)";
      } else {
        System.err.println("[bench] running joblib with " + python.get());
        LoadMonitor.Snapshot before = LoadMonitor.now();
        PythonResults py =
            PythonJoblib.run(
                python.get(),
                o.sizes(),
                o.pythonRuns(),
                o.budgetSeconds(),
                o.cpuTasks(),
                o.cpuMillis(),
                600);
        load.put("Python", LoadMonitor.otherCpus(before, LoadMonitor.now()));
        all.addAll(py.measurements());
        pythonLine = py.describe();
      }
    }

    String method =
        String.format(
            Locale.ROOT,
            "2 worker threads everywhere. After warm-up (%d rounds of %,d no-op tasks per Java"
                + " implementation, JIT-warmed CPU loop), each measurement is repeated up to %d"
                + " times in Java (%d for no-op runs of at most %,d tasks, which take"
                + " milliseconds) and %d in Python, stopping early once its runs total %.0f s"
                + " (never fewer than 3 Java runs / 1 Python run); Java implementations are"
                + " interleaved run by run with `System.gc()` before each run. Reported: the"
                + " **median** wall time, covering creating the tasks, submitting them and"
                + " collecting every result (and, for *fresh* rows, creating and shutting down"
                + " the pool). Tasks are created lazily from a stream for joblib4j and in a"
                + " submit loop for the ExecutorService.",
            o.warmupRounds(),
            o.warmupTasks(),
            o.runs(),
            3 * o.runs(),
            SHORT_RUN_TASKS,
            o.pythonRuns(),
            o.budgetSeconds());
    String md =
        MarkdownReport.render(
            machine, pythonLine, method, load, o.sizes(), o.cpuTasks(), o.cpuMillis(), all);
    md +=
        String.format(
            Locale.ROOT, "%nTotal harness time: %.0f s.%n", (System.nanoTime() - start) / 1e9);
    System.out.println();
    System.out.print(md);
    Path out = o.output() != null ? o.output() : defaultOutput();
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.err.println("[bench] wrote " + out.toAbsolutePath().normalize());
  }

  private static List<Measurement> javaMeasurements(BenchmarkOptions o, Map<String, Double> load)
      throws Exception {
    List<Measurement> all = new ArrayList<>();
    // runs of 100,000 tasks or fewer take milliseconds, so their medians get three times the runs
    Sampler shortRuns = new Sampler(3 * o.runs(), 3, o.budgetSeconds());
    Sampler longRuns = new Sampler(o.runs(), 3, o.budgetSeconds());
    ExecutorService pool = Executors.newFixedThreadPool(NoOpTasks.THREADS);
    try (Parallel reused =
        Parallel.builder().backend("threading").nJobs(NoOpTasks.THREADS).build()) {
      System.err.printf(
          Locale.ROOT,
          "[bench] joblib4j resolved backend=%s n_jobs=%d (%d workers)%n",
          reused.backendName(),
          reused.nJobs(),
          reused.effectiveNJobs());
      LoadMonitor.Snapshot phase = LoadMonitor.now();
      System.err.println("[bench] warming up");
      for (int i = 0; i < o.warmupRounds(); i++) {
        NoOpTasks.executorFresh(o.warmupTasks());
        NoOpTasks.executorReused(pool, o.warmupTasks());
        NoOpTasks.joblib4jFresh(o.warmupTasks());
        NoOpTasks.joblib4jReused(reused, o.warmupTasks());
      }
      for (long size : o.sizes()) {
        int n = Math.toIntExact(size);
        Sampler sampler = n <= SHORT_RUN_TASKS ? shortRuns : longRuns;
        all.addAll(
            sampler.interleaved(
                "noop",
                n,
                List.of(EXECUTOR_FRESH, EXECUTOR_REUSED, JOBLIB4J_FRESH, JOBLIB4J_REUSED),
                List.of(
                    () -> NoOpTasks.executorFresh(n),
                    () -> NoOpTasks.executorReused(pool, n),
                    () -> NoOpTasks.joblib4jFresh(n),
                    () -> NoOpTasks.joblib4jReused(reused, n))));
      }

      load.put("Java no-op", LoadMonitor.otherCpus(phase, LoadMonitor.now()));
      phase = LoadMonitor.now();
      System.err.println("[bench] calibrating the CPU-bound task");
      long iterations = CpuWork.calibrate(o.cpuMillis());
      CpuBoundTasks cpu = new CpuBoundTasks(o.cpuTasks(), iterations);
      all.addAll(
          new Sampler(5, 5, Double.MAX_VALUE)
              .interleaved("cpu", 1, List.of(SINGLE_TASK), List.of(cpu::single)));
      // one untimed round to warm the paths with long tasks
      cpu.executorFresh();
      cpu.joblib4jFresh();
      all.addAll(
          new Sampler(Math.min(o.runs(), 5), 3, 3 * o.budgetSeconds())
              .interleaved(
                  "cpu",
                  o.cpuTasks(),
                  List.of(SEQUENTIAL, EXECUTOR_FRESH, JOBLIB4J_FRESH, JOBLIB4J_REUSED),
                  List.of(
                      cpu::sequential,
                      cpu::executorFresh,
                      cpu::joblib4jFresh,
                      () -> cpu.joblib4jReused(reused))));
      load.put("Java CPU-bound", LoadMonitor.otherCpus(phase, LoadMonitor.now()));
    } finally {
      pool.shutdown();
    }
    return all;
  }

  private static Path defaultOutput() {
    try {
      Path here =
          Path.of(
              ThreadingBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return here.getParent().resolve("threading-benchmark.md");
    } catch (Exception | Error e) {
      return Path.of("threading-benchmark.md");
    }
  }
}
