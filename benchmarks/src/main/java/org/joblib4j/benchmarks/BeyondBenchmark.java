package org.joblib4j.benchmarks;

import static org.joblib4j.Parallel.delayed;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.slf4j.MDC;

/**
 * The "beyond joblib" figures in one run: an I/O-bound workload (10,000 tasks waiting 10 ms) on
 * threading at n_jobs 64, on virtual threads (when this JVM is 21+) and on joblib's threading at
 * n_jobs 64; and the cost of COLLECT and of context propagation on 100,000 no-op tasks, as ratios
 * to the plain call. Medians; writes benchmarks/target/beyond-benchmark.md.
 *
 * <p>Run with JDK 25 to include virtual threads: {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * -cp benchmarks/target/joblib4j-benchmarks.jar org.joblib4j.benchmarks.BeyondBenchmark}
 */
public final class BeyondBenchmark {
  private BeyondBenchmark() {}

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

  private static List<Task<Integer>> waits(int n) {
    return IoTasks.tasks(n, 10);
  }

  public static void main(String[] args) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append("JDK ")
        .append(System.getProperty("java.vm.version"))
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs; medians of 3 (I/O) and 7 (overheads).\n\n");
    md.append(
        "| I/O-bound: 10,000 tasks that each wait 10 ms | wall time | tasks/s |\n|---|---:|---:|\n");
    List<Task<Integer>> io = waits(10_000);
    Parallel.builder().backend("threading").nJobs(64).build().run(waits(640));
    double threads =
        median(() -> Parallel.builder().backend("threading").nJobs(64).build().run(io), 3);
    md.append(
        String.format(
            Locale.ROOT,
            "| joblib4j threading, n_jobs 64 | %.2f s | %,.0f |%n",
            threads,
            10_000 / threads));
    if (Runtime.version().feature() >= 21) {
      for (int n : new int[] {64, 1000}) {
        Parallel.Builder b =
            Parallel.builder().backend("threading", Map.of("virtual", true)).nJobs(n);
        b.build().run(waits(640));
        double v = median(() -> b.build().run(io), 3);
        md.append(
            String.format(
                Locale.ROOT,
                "| joblib4j threading, virtual threads, n_jobs %d | %.2f s | %,.0f |%n",
                n,
                v,
                10_000 / v));
      }
    } else {
      md.append("| joblib4j virtual threads | needs JDK 21+ (run with JDK 25) | — |\n");
    }
    Path script = Files.createTempFile("joblib4j-io", ".py");
    try (InputStream in = BeyondBenchmark.class.getResourceAsStream("/io_bench.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process p =
        new ProcessBuilder("/usr/bin/python3", script.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    double py =
        Double.parseDouble(
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    p.waitFor();
    Files.deleteIfExists(script);
    md.append(
        String.format(
            Locale.ROOT,
            "| joblib threading (python3-joblib), n_jobs 64 | %.2f s | %,.0f |%n%n",
            py,
            10_000 / py));

    List<Task<Integer>> noops =
        IntStream.range(0, 100_000)
            .mapToObj(i -> delayed((Integer x) -> x, i))
            .collect(Collectors.toList());
    for (int i = 0; i < 30; i++) {
      Parallel.builder().nJobs(2).build().run(noops);
      Parallel.builder().nJobs(2).build().runOutcomes(noops);
    }
    double plain = median(() -> Parallel.builder().nJobs(2).build().run(noops), 7);
    double collect =
        median(
            () -> Parallel.builder().nJobs(2).errorPolicy(ErrorPolicy.COLLECT).build().run(noops),
            7);
    double outcomes = median(() -> Parallel.builder().nJobs(2).build().runOutcomes(noops), 7);
    MDC.put("request", "r-1");
    double context = median(() -> Parallel.builder().nJobs(2).build().run(noops), 7);
    MDC.clear();
    md.append(
        "| 100,000 no-op tasks on threading, n_jobs 2 | wall time | ratio to the plain call |\n|---|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| plain call | %.1f ms | 1.00 |%n", plain * 1000));
    md.append(
        String.format(
            Locale.ROOT,
            "| errorPolicy(COLLECT) | %.1f ms | %.2f |%n",
            collect * 1000,
            collect / plain));
    md.append(
        String.format(
            Locale.ROOT, "| runOutcomes | %.1f ms | %.2f |%n", outcomes * 1000, outcomes / plain));
    md.append(
        String.format(
            Locale.ROOT,
            "| with an MDC entry propagated | %.1f ms | %.2f |%n",
            context * 1000,
            context / plain));
    Files.createDirectories(Path.of("benchmarks/target"));
    Files.writeString(Path.of("benchmarks/target/beyond-benchmark.md"), md.toString());
    System.out.println(md);
    System.exit(0);
  }
}
