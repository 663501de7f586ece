package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;

/** The CPU-bound workload: {@code n} calibrated tasks, run by each implementation. */
final class CpuBoundTasks {
  private final int tasks;
  private final long iterations;
  private final long expected;

  CpuBoundTasks(int tasks, long iterations) {
    this.tasks = tasks;
    this.iterations = iterations;
    this.expected = CpuWork.spin(iterations);
  }

  /** One task in the caller's thread. */
  long single() {
    long t0 = System.nanoTime();
    long r = CpuWork.spin(iterations);
    long t = System.nanoTime() - t0;
    check(List.of(r), 1);
    return t;
  }

  /** Every task in a plain loop in the caller's thread. */
  long sequential() {
    long t0 = System.nanoTime();
    List<Long> r = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      r.add(CpuWork.spin(iterations));
    }
    long t = System.nanoTime() - t0;
    check(r, tasks);
    return t;
  }

  /** joblib4j threading with a fresh {@code Parallel}. */
  long joblib4jFresh() {
    return joblib4jFresh(Parallel.builder().backend("threading").nJobs(NoOpTasks.THREADS));
  }

  /** joblib4j on any backend with a fresh {@code Parallel}. */
  long joblib4jFresh(Parallel.Builder builder) {
    long t0 = System.nanoTime();
    List<Long> r;
    try (Parallel p = builder.build()) {
      r = p.run(stream());
    }
    long t = System.nanoTime() - t0;
    check(r, tasks);
    return t;
  }

  /** joblib4j threading with a reused {@code Parallel}. */
  long joblib4jReused(Parallel p) {
    long t0 = System.nanoTime();
    List<Long> r = p.run(stream());
    long t = System.nanoTime() - t0;
    check(r, tasks);
    return t;
  }

  /** A fresh {@code Executors.newFixedThreadPool(2)}: submit every task, then get every future. */
  long executorFresh() throws Exception {
    long t0 = System.nanoTime();
    ExecutorService ex = Executors.newFixedThreadPool(NoOpTasks.THREADS);
    List<Long> r = new ArrayList<>(tasks);
    try {
      List<Future<Long>> futures = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        futures.add(ex.submit(() -> CpuWork.spin(iterations)));
      }
      for (Future<Long> f : futures) {
        r.add(f.get());
      }
    } finally {
      ex.shutdown();
    }
    long t = System.nanoTime() - t0;
    check(r, tasks);
    return t;
  }

  /** A parallel stream on the common fork-join pool. */
  long parallelStream() {
    long t0 = System.nanoTime();
    long it = iterations;
    List<Long> r = IntStream.range(0, tasks).parallel().mapToObj(i -> CpuWork.spin(it)).toList();
    long t = System.nanoTime() - t0;
    check(r, tasks);
    return t;
  }

  private java.util.stream.Stream<Task<Long>> stream() {
    long it = iterations;
    return IntStream.range(0, tasks).mapToObj(i -> (Task<Long>) () -> CpuWork.spin(it));
  }

  private void check(List<Long> r, int n) {
    if (r.size() != n || !r.stream().allMatch(v -> v == expected)) {
      throw new AssertionError("wrong CPU-bound results");
    }
  }
}
