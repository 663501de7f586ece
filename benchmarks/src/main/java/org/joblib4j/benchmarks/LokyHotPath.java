package org.joblib4j.benchmarks;

import static org.joblib4j.Parallel.delayed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.joblib4j.Parallel;
import org.joblib4j.Task;

/**
 * The loky hot path alone, measured as {@link ProcessBenchmark} does (a new {@code Parallel} per
 * call on the shared, already started pool): a warm call of 10 no-op tasks and the no-op throughput
 * at 10^4 and 10^5 tasks with auto batching. The three are taken in turn in every round, so the
 * machine's drift affects them alike; prints the medians. For quick before/after comparisons
 * without the Python side.
 *
 * <p>Run: {@code java -cp benchmarks/target/joblib4j-benchmarks.jar
 * org.joblib4j.benchmarks.LokyHotPath [rounds]}
 */
public final class LokyHotPath {
  private static final int WARM_CALLS_PER_ROUND = 6;

  private LokyHotPath() {}

  /**
   * Runs the measurements.
   *
   * @param args optional number of rounds (default 7)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    List<Task<Integer>> ten = noOps(10);
    List<Task<Integer>> tenThousand = noOps(10_000);
    List<Task<Integer>> hundredThousand = noOps(100_000);
    for (int i = 0; i < 50; i++) {
      call(ten);
      call(tenThousand);
    }
    long[] warm = new long[rounds * WARM_CALLS_PER_ROUND];
    long[] small = new long[rounds];
    long[] large = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < WARM_CALLS_PER_ROUND; k++) {
        warm[r * WARM_CALLS_PER_ROUND + k] = call(ten);
      }
      small[r] = call(tenThousand);
      large[r] = call(hundredThousand);
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "warm %.3f ms  tp1e4 %,.0f/s  tp1e5 %,.0f/s",
            middle(warm) / 1e6,
            10_000 / (middle(small) / 1e9),
            100_000 / (middle(large) / 1e9)));
    System.exit(0);
  }

  private static List<Task<Integer>> noOps(int n) {
    List<Task<Integer>> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(delayed((Integer x) -> x, i));
    }
    return tasks;
  }

  /** One call on a new {@code Parallel}, as the benchmark makes it; returns its nanoseconds. */
  private static long call(List<Task<Integer>> tasks) {
    long start = System.nanoTime();
    List<Integer> results = Parallel.builder().backend("loky").nJobs(2).build().run(tasks);
    long elapsed = System.nanoTime() - start;
    if (results.size() != tasks.size()) {
      throw new IllegalStateException(results.size() + " results for " + tasks.size() + " tasks");
    }
    return elapsed;
  }

  private static double middle(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
