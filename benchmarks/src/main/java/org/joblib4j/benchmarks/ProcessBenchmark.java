package org.joblib4j.benchmarks;

import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;

/**
 * loky and multiprocessing side by side with joblib's (Debian's python3-joblib), in one run: cold
 * start, warm call latency, no-op throughput, CPU-bound speed-up, and a large shared array with and
 * without memory-mapping, multiprocessing with and without warm spares. Medians; writes
 * benchmarks/target/process-benchmark.md.
 *
 * <p>Run: {@code java -cp benchmarks/target/joblib4j-benchmarks.jar
 * org.joblib4j.benchmarks.ProcessBenchmark}
 */
public final class ProcessBenchmark {
  private ProcessBenchmark() {}

  /** Child-JVM entry for the cold-start measurement: prints the first call's seconds. */
  public static final class Cold {
    public static void main(String[] args) {
      // An application initialises its logging at start-up, as Python imports joblib before
      // joblib's cold-start timer starts: logback's own start-up is not timed. joblib4j's
      // class loading, configuration and worker start-up all are.
      org.slf4j.LoggerFactory.getLogger(Cold.class);
      long t = System.nanoTime();
      Parallel.builder()
          .backend("loky")
          .nJobs(2)
          .build()
          .run(IntStream.range(0, 10).mapToObj(i -> delayed(x -> x, i)));
      System.out.println((System.nanoTime() - t) / 1e9);
      System.exit(0);
    }
  }

  static long cpu(long ms) {
    long end = System.nanoTime() + ms * 1_000_000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x++;
    }
    return x;
  }

  private static double median(Runnable r, int n) {
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      r.run();
      xs.add((System.nanoTime() - t) / 1e9);
    }
    Collections.sort(xs);
    return xs.get(xs.size() / 2);
  }

  private static List<Task<Integer>> noops(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> delayed((Integer x) -> x, i))
        .collect(Collectors.toList());
  }

  private static Parallel.Builder on(String backend) {
    return Parallel.builder().backend(backend).nJobs(2);
  }

  /**
   * The median of 12 calls of 10 no-op tasks with {@code spare-workers=2}, each 0.5 s after the
   * previous one ended (time for its spares to start and warm up; the pause is not timed).
   */
  private static double onReadySpares() throws ReflectiveOperationException, InterruptedException {
    Map<String, Object> spares = Map.of("spare-workers", 2);
    Parallel.builder().backend("multiprocessing", spares).nJobs(2).build().run(noops(10));
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Thread.sleep(500);
      long t = System.nanoTime();
      Parallel.builder().backend("multiprocessing", spares).nJobs(2).build().run(noops(10));
      xs.add((System.nanoTime() - t) / 1e9);
    }
    // the backend is a runtime dependency here
    Class.forName("org.joblib4j.backend.multiprocessing.MultiprocessingBackend")
        .getMethod("shutdownSpareWorkers")
        .invoke(null);
    Collections.sort(xs);
    return xs.get(xs.size() / 2);
  }

  public static void main(String[] args) throws Exception {
    Map<String, Double> java = new TreeMap<>();
    String jar = System.getProperty("java.class.path");
    List<Double> cold = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  jar,
                  Cold.class.getName())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      cold.add(Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1)));
    }
    Collections.sort(cold);
    java.put("loky_cold", cold.get(2));
    for (int i = 0; i < 50; i++) {
      on("loky").build().run(noops(10));
      on("loky").build().run(noops(10_000));
    }
    java.put("loky_warm", median(() -> on("loky").build().run(noops(10)), 30));
    for (int n : new int[] {10_000, 100_000}) {
      List<Task<Integer>> t = noops(n);
      java.put("loky_tp_" + n, n / median(() -> on("loky").build().run(t), 5));
    }
    List<Task<Long>> cpuTasks =
        IntStream.range(0, 16)
            .mapToObj(i -> delayed(ProcessBenchmark::cpu, 100L))
            .collect(Collectors.toList());
    double seq = median(() -> cpuTasks.forEach(t -> cpu(100)), 3);
    java.put("loky_speedup", seq / median(() -> on("loky").build().run(cpuTasks), 3));
    double[] a = new double[10 * 1024 * 1024 / 8];
    List<Task<Double>> arrayTasks =
        IntStream.range(0, 20)
            .mapToObj(i -> (Task<Double>) () -> a[i])
            .collect(Collectors.toList());
    java.put(
        "loky_array_nomap",
        median(() -> on("loky").maxNbytes("none").build().run(arrayTasks), 5) / 20);
    java.put(
        "loky_array_map", median(() -> on("loky").maxNbytes("1M").build().run(arrayTasks), 5) / 20);
    on("multiprocessing").build().run(noops(10));
    java.put("mp_call", median(() -> on("multiprocessing").build().run(noops(10)), 10));
    java.put("mp_spares_call", onReadySpares());
    try (Parallel p = on("multiprocessing").build()) {
      p.run(noops(10_000));
      java.put("mp_reused_call", median(() -> p.run(noops(10)), 10));
      java.put("mp_tp_100000", 100_000 / median(() -> p.run(noops(100_000)), 3));
      java.put("mp_speedup", seq / median(() -> p.run(cpuTasks), 3));
    }
    Map<String, Double> python = python();
    String md = report(java, python);
    Files.createDirectories(Path.of("benchmarks/target"));
    Files.writeString(Path.of("benchmarks/target/process-benchmark.md"), md);
    System.out.println(md);
    System.exit(0);
  }

  private static Map<String, Double> python() throws IOException, InterruptedException {
    Path script = Files.createTempFile("joblib4j-process-bench", ".py");
    try (InputStream in = ProcessBenchmark.class.getResourceAsStream("/process_bench.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process p =
        new ProcessBuilder("/usr/bin/python3", script.toString(), "all")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    Files.deleteIfExists(script);
    Map<String, Double> m = new TreeMap<>();
    String json = out.substring(out.lastIndexOf('{') + 1, out.lastIndexOf('}'));
    for (String kv : json.split(",")) {
      String[] parts = kv.split(":");
      m.put(parts[0].trim().replace("\"", ""), Double.parseDouble(parts[1].trim()));
    }
    return m;
  }

  private static String report(Map<String, Double> j, Map<String, Double> p) {
    StringBuilder s = new StringBuilder();
    s.append("Measured ")
        .append(
            LocalDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
        .append(" UTC on ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, JDK ")
        .append(System.getProperty("java.vm.version"))
        .append(", joblib from Debian's python3-joblib; medians; 2 workers everywhere.\n\n");
    s.append("| measure | joblib4j | joblib | ratio |\n|---|---:|---:|---:|\n");
    Supplier<String> nothing = () -> "";
    row(
        s,
        "loky: cold start, first call of 10 no-op tasks in a fresh process",
        ms(j.get("loky_cold")),
        ms(p.get("loky_cold")),
        p.get("loky_cold") / j.get("loky_cold"),
        "× faster");
    row(
        s,
        "loky: warm call, 10 no-op tasks",
        ms(j.get("loky_warm")),
        ms(p.get("loky_warm")),
        p.get("loky_warm") / j.get("loky_warm"),
        "× faster");
    for (String n : List.of("10000", "100000")) {
      row(
          s,
          "loky: throughput, "
              + String.format(Locale.ROOT, "%,d", Integer.parseInt(n))
              + " no-op tasks (tasks/s)",
          tp(j.get("loky_tp_" + n)),
          tp(p.get("loky_tp_" + n)),
          j.get("loky_tp_" + n) / p.get("loky_tp_" + n),
          "×");
    }
    row(
        s,
        "loky: speed-up of 16 CPU-bound tasks of 100 ms",
        x(j.get("loky_speedup")),
        x(p.get("loky_speedup")),
        j.get("loky_speedup") / p.get("loky_speedup"),
        "×");
    row(
        s,
        "loky: 20 tasks sharing a 10 MiB double[], per task, not memory-mapped",
        ms(j.get("loky_array_nomap")),
        ms(p.get("loky_array_nomap")),
        p.get("loky_array_nomap") / j.get("loky_array_nomap"),
        "× faster");
    row(
        s,
        "loky: the same, memory-mapped (maxNbytes 1M)",
        ms(j.get("loky_array_map")),
        ms(p.get("loky_array_map")),
        p.get("loky_array_map") / j.get("loky_array_map"),
        "× faster");
    row(
        s,
        "multiprocessing: one call of 10 no-op tasks (a fresh pool per call)",
        ms(j.get("mp_call")),
        ms(p.get("mp_call")),
        p.get("mp_call") / j.get("mp_call"),
        "× faster");
    row(
        s,
        "multiprocessing: one call of 10 no-op tasks on ready spare workers (spare-workers=2, calls 0.5 s apart;"
            + " the wait is not timed)",
        ms(j.get("mp_spares_call")),
        ms(p.get("mp_call")),
        p.get("mp_call") / j.get("mp_spares_call"),
        "× faster");
    row(
        s,
        "multiprocessing: a call of 10 no-op tasks on a reused Parallel",
        ms(j.get("mp_reused_call")),
        "—",
        Double.NaN,
        "");
    row(
        s,
        "multiprocessing: throughput, 100,000 no-op tasks (tasks/s)",
        tp(j.get("mp_tp_100000")),
        tp(p.get("mp_tp_100000")),
        j.get("mp_tp_100000") / p.get("mp_tp_100000"),
        "×");
    row(
        s,
        "multiprocessing: speed-up of 16 CPU-bound tasks of 100 ms",
        x(j.get("mp_speedup")),
        x(p.get("mp_speedup")),
        j.get("mp_speedup") / p.get("mp_speedup"),
        "×");
    return s.toString();
  }

  private static void row(
      StringBuilder s, String what, String j, String p, double ratio, String unit) {
    s.append("| ")
        .append(what)
        .append(" | ")
        .append(j)
        .append(" | ")
        .append(p)
        .append(" | ")
        .append(ratio(ratio, unit))
        .append(" |\n");
  }

  /** "0.25× faster" reads badly: a time ratio below 1 is written as how many times slower. */
  static String ratio(double ratio, String unit) {
    if (Double.isNaN(ratio)) {
      return "—";
    }
    if (unit.equals("× faster") && ratio < 1) {
      return String.format(Locale.ROOT, "%.2f× slower", 1 / ratio);
    }
    return String.format(Locale.ROOT, "%.2f%s", ratio, unit);
  }

  private static String ms(double seconds) {
    return String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
  }

  private static String tp(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String x(double speedup) {
    return String.format(Locale.ROOT, "%.2f", speedup);
  }
}
