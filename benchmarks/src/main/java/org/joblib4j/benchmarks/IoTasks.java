package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;

/**
 * The I/O-bound workload: {@code n} tasks that each sleep {@code millis} and return their index.
 */
final class IoTasks {
  private IoTasks() {}

  /**
   * Returns the tasks.
   *
   * @param n how many
   * @param millis how long each one waits
   * @return the tasks, in order
   */
  static List<Task<Integer>> tasks(int n, long millis) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                (Task<Integer>)
                    () -> {
                      Thread.sleep(millis);
                      return i;
                    })
        .collect(Collectors.toList());
  }

  /** joblib4j with a fresh {@code Parallel} (built, run once, closed). */
  static long joblib4jFresh(Parallel.Builder builder, int n, long millis) {
    List<Task<Integer>> tasks = tasks(n, millis);
    long t0 = System.nanoTime();
    List<Integer> r;
    try (Parallel p = builder.build()) {
      r = p.run(tasks);
    }
    long t = System.nanoTime() - t0;
    NoOpTasks.check(r, n);
    return t;
  }

  /** A fresh {@code Executors.newFixedThreadPool(threads)}: submit every task, get every future. */
  static long executorFresh(int threads, int n, long millis) throws Exception {
    List<Task<Integer>> tasks = tasks(n, millis);
    long t0 = System.nanoTime();
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    List<Integer> r = new ArrayList<>(n);
    try {
      List<Future<Integer>> futures = new ArrayList<>(n);
      for (Task<Integer> task : tasks) {
        futures.add(ex.submit(task::call));
      }
      for (Future<Integer> f : futures) {
        r.add(f.get());
      }
    } finally {
      ex.shutdown();
    }
    long t = System.nanoTime() - t0;
    NoOpTasks.check(r, n);
    return t;
  }
}
