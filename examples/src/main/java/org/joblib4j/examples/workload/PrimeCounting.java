package org.joblib4j.examples.workload;

import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;

/**
 * The CPU-bound workload: counts the primes below a limit by trial division, one task per chunk of
 * the range. Pure computation, no shared state: it scales with the cores.
 */
public final class PrimeCounting implements Workload<Long> {
  private final int limit;
  private final int chunks;

  /**
   * Creates the workload.
   *
   * @param limit count the primes below it
   * @param chunks the number of tasks
   */
  public PrimeCounting(int limit, int chunks) {
    this.limit = limit;
    this.chunks = chunks;
  }

  /**
   * One task: the primes in {@code [from, to)}.
   *
   * @param range {@code {from, to}}
   * @return how many there are
   */
  static long countPrimes(int[] range) {
    long count = 0;
    for (int n = Math.max(2, range[0]); n < range[1]; n++) {
      if (isPrime(n)) {
        count++;
      }
    }
    return count;
  }

  private static boolean isPrime(int n) {
    if (n % 2 == 0) {
      return n == 2;
    }
    for (int d = 3; (long) d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String name() {
    return "primes";
  }

  @Override
  public String title() {
    return "CPU-bound: count the primes below " + limit + " in " + chunks + " chunks";
  }

  @Override
  public int tasks() {
    return chunks;
  }

  @Override
  public int defaultNJobs() {
    return -1;
  }

  @Override
  public void warmUp() {
    countPrimes(range(chunks - 1));
  }

  @Override
  public Long run(Parallel parallel) {
    List<Long> counts =
        parallel.run(
            IntStream.range(0, chunks)
                .mapToObj(i -> delayed(PrimeCounting::countPrimes, range(i)))
                .collect(Collectors.toList()));
    return counts.stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String describe(Long result) {
    return result + " primes";
  }

  private int[] range(int chunk) {
    return new int[] {
      (int) ((long) limit * chunk / chunks), (int) ((long) limit * (chunk + 1) / chunks)
    };
  }
}
