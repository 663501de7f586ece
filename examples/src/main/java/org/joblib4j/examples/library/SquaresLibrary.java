package org.joblib4j.examples.library;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;

/**
 * Stands for third-party library code that uses joblib4j internally and exposes neither a backend
 * nor n_jobs in its own API. A caller steers it with a {@code ParallelConfig} scope, exactly as
 * {@code with parallel_backend(...)} steers scikit-learn.
 */
public final class SquaresLibrary {
  private SquaresLibrary() {}

  /**
   * Sums {@code 1^2 + 2^2 + ... + n^2}, squaring in parallel with whatever backend is in force.
   *
   * @param n the last integer
   * @return the sum, and what the internal {@code Parallel} resolved to
   */
  public static SquaresReport sumOfSquares(int n) {
    List<Integer> items = IntStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
    try (Parallel parallel = Parallel.builder().build()) {
      List<Long> squares = parallel.map(x -> (long) x * x, items);
      long sum = squares.stream().mapToLong(Long::longValue).sum();
      return new SquaresReport(sum, parallel.backendName(), parallel.nJobs());
    }
  }
}
