package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;

/** The no-op workload: {@code n} tasks that return their index, run by each implementation. */
final class NoOpTasks {
  static final int THREADS = 2;

  private NoOpTasks() {}

  /** joblib4j threading, a fresh {@code Parallel} (built, run once, closed). */
  static long joblib4jFresh(int n) {
    return joblib4jFresh(Parallel.builder().backend("threading").nJobs(THREADS), n);
  }

  /** joblib4j on any backend, a fresh {@code Parallel} (built, run once, closed). */
  static long joblib4jFresh(Parallel.Builder builder, int n) {
    long t0 = System.nanoTime();
    List<Integer> r;
    try (Parallel p = builder.build()) {
      r = p.run(tasks(n));
    }
    long t = System.nanoTime() - t0;
    check(r, n);
    return t;
  }

  /** joblib4j threading, one {@code Parallel} kept open across runs. */
  static long joblib4jReused(Parallel p, int n) {
    long t0 = System.nanoTime();
    List<Integer> r = p.run(tasks(n));
    long t = System.nanoTime() - t0;
    check(r, n);
    return t;
  }

  /** A fresh {@code Executors.newFixedThreadPool(2)}: submit every task, then get every future. */
  static long executorFresh(int n) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService ex = Executors.newFixedThreadPool(THREADS);
    List<Integer> r;
    try {
      r = submitAll(ex, n);
    } finally {
      ex.shutdown();
    }
    long t = System.nanoTime() - t0;
    check(r, n);
    return t;
  }

  /** One {@code Executors.newFixedThreadPool(2)} kept across runs. */
  static long executorReused(ExecutorService ex, int n) throws Exception {
    long t0 = System.nanoTime();
    List<Integer> r = submitAll(ex, n);
    long t = System.nanoTime() - t0;
    check(r, n);
    return t;
  }

  private static List<Integer> submitAll(ExecutorService ex, int n) throws Exception {
    List<Future<Integer>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      final int x = i;
      futures.add(ex.submit(() -> x));
    }
    List<Integer> r = new ArrayList<>(n);
    for (Future<Integer> f : futures) {
      r.add(f.get());
    }
    return r;
  }

  /** A parallel stream on the common fork-join pool, collected to a list. */
  static long parallelStream(int n) {
    long t0 = System.nanoTime();
    List<Integer> r = IntStream.range(0, n).parallel().boxed().toList();
    long t = System.nanoTime() - t0;
    check(r, n);
    return t;
  }

  private static java.util.stream.Stream<Task<Integer>> tasks(int n) {
    return IntStream.range(0, n).mapToObj(i -> (Task<Integer>) () -> i);
  }

  static void check(List<Integer> r, int n) {
    if (r.size() != n || (n > 0 && (r.get(0) != 0 || r.get(n - 1) != n - 1))) {
      throw new AssertionError("wrong results: size " + r.size() + ", expected " + n);
    }
  }
}
