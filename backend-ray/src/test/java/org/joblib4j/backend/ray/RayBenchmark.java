package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark table of docs/performance.md ("Performance: ray"), on a fresh embedded head. Run
 * alone with {@code mvn -B -o -pl backend-ray verify -Pray-benchmark}; writes {@code
 * target/ray-benchmark.md}.
 */
class RayBenchmark {
  private static final int TRIVIAL = 1_000;

  @AfterAll
  static void stop() {
    RayRuntime.shutdown();
  }

  @Test
  void table() throws IOException {
    RayTestSupport.requireRay();
    String load = loadAverage();
    List<String> rows = new ArrayList<>();
    long t0 = System.nanoTime();
    assertThat(Parallel.builder().backend("ray").build().map(RayTestSupport::square, List.of(3)))
        .containsExactly(9);
    long first = System.nanoTime() - t0;
    rows.add(
        row(
            "first result from a fresh embedded head (head start + Ray.init + worker JVM start)",
            List.of(first)));
    // warm-up: worker JVMs and JIT on both sides
    for (int i = 0; i < 3; i++) {
      trivial(0);
      trivial(1);
    }
    rows.add(
        row(TRIVIAL + " trivial tasks, auto batching (n_jobs=-1)", measure(9, () -> trivial(0))));
    rows.add(
        row(TRIVIAL + " trivial tasks, unbatched (batchSize=1)", measure(3, () -> trivial(1))));
    calibrate();
    long iterations = calibrate();
    List<Task<Long>> cpu =
        IntStream.range(0, 16)
            .<Task<Long>>mapToObj(i -> delayed(RayTestSupport::spin, iterations))
            .toList();
    Parallel.builder().backend("ray").nJobs(2).batchSize(1).build().run(cpu);
    // sequential and ray runs alternate, so a busy neighbour on the shared machine hits both alike
    List<Long> seq = new ArrayList<>();
    List<Long> ray = new ArrayList<>();
    for (int rep = 0; rep < 7; rep++) {
      long s = System.nanoTime();
      for (int i = 0; i < 16; i++) {
        RayTestSupport.spin(iterations);
      }
      seq.add(System.nanoTime() - s);
      s = System.nanoTime();
      Parallel.builder().backend("ray").nJobs(2).batchSize(1).build().run(cpu);
      ray.add(System.nanoTime() - s);
    }
    rows.add(row("CPU-bound 16 x ~100 ms, sequential in the caller", seq));
    rows.add(row("CPU-bound 16 x ~100 ms, ray n_jobs=2", ray));
    double speedup = (double) median(seq) / median(ray);
    StringBuilder out = new StringBuilder();
    out.append("| measure | median (min-max), ms | n |\n|---|---|---|\n");
    rows.forEach(r -> out.append(r).append('\n'));
    double best = (double) Collections.min(seq) / Collections.min(ray);
    out.append(
        String.format(
            "| CPU-bound speed-up on %d cores: median sequential / median ray (best / best) | %.2fx (%.2fx) | 7 |%n",
            Runtime.getRuntime().availableProcessors(), speedup, best));
    out.append("\nload average before/after: ")
        .append(load)
        .append(" / ")
        .append(loadAverage())
        .append('\n');
    System.out.println(out);
    Files.writeString(Path.of("target", "ray-benchmark.md"), out.toString());
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static long trivial(int batchSize) {
    Parallel.Builder b = Parallel.builder().backend("ray");
    if (batchSize > 0) {
      b.batchSize(batchSize);
    }
    long s = System.nanoTime();
    List<Integer> r =
        b.build().map(RayTestSupport::square, IntStream.range(0, TRIVIAL).boxed().toList());
    long d = System.nanoTime() - s;
    assertThat(r).hasSize(TRIVIAL);
    return d;
  }

  /** Iterations of {@link RayTestSupport#spin} that take about 100 ms here. */
  private static long calibrate() {
    long n = 1_000_000;
    RayTestSupport.spin(n);
    while (true) {
      long s = System.nanoTime();
      RayTestSupport.spin(n);
      long d = System.nanoTime() - s;
      if (d > 20_000_000) {
        return n * 100_000_000L / d;
      }
      n *= 4;
    }
  }

  private static List<Long> measure(int n, LongSupplier run) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(run.getAsLong());
    }
    return out;
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static String row(String what, List<Long> nanos) {
    return String.format(
        "| %s | %d (%d-%d) | %d |",
        what,
        median(nanos) / 1_000_000,
        Collections.min(nanos) / 1_000_000,
        Collections.max(nanos) / 1_000_000,
        nanos.size());
  }
}
