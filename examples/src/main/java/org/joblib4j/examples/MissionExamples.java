package org.joblib4j.examples;

import static org.joblib4j.Parallel.delayed;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.examples.library.SquaresLibrary;
import org.joblib4j.examples.library.SquaresReport;

/** The examples of scikit-learn's {@code parallel_backend} page, in Java. */
public final class MissionExamples {
  private final PrintStream out;

  /**
   * Creates the examples.
   *
   * @param out where they print
   */
  public MissionExamples(PrintStream out) {
    this.out = out;
  }

  /** Python's {@code operator.neg}. */
  static int neg(int x) {
    return -x;
  }

  /**
   * {@code Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))}.
   *
   * @return {@code [0.0, 1.0, ..., 9.0]}
   */
  public List<Double> sqrt() {
    Parallel parallel = Parallel.builder().nJobs(2).build();
    List<Double> r =
        parallel.run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
    out.printf("%s (backend=%s, n_jobs=%d)%n", r, parallel.backendName(), parallel.nJobs());
    return r;
  }

  /**
   * {@code with parallel_backend('threading'): print(Parallel()(delayed(neg)(i + 1) for i in
   * range(5)))}.
   *
   * @return {@code [-1, -2, -3, -4, -5]}
   */
  @SuppressWarnings("try") // the scope is used for its side effect
  public List<Integer> negation() {
    try (ParallelConfig.Scope scope = ParallelConfig.parallelBackend("threading")) {
      Parallel parallel = Parallel.builder().build();
      List<Integer> r =
          parallel.run(IntStream.range(0, 5).mapToObj(i -> delayed(MissionExamples::neg, i + 1)));
      out.println(r);
      out.printf(
          "  (inside parallelBackend(\"threading\"): backend=%s, n_jobs=%d)%n",
          parallel.backendName(), parallel.nJobs());
      return r;
    }
  }

  /**
   * Steers library code that names no backend: the same call inside and outside a scope.
   *
   * @return the library's reports: inside the scope, then outside it
   */
  @SuppressWarnings("try") // the scope is used for its side effect
  public List<SquaresReport> scopedLibrary() {
    SquaresReport inside;
    try (ParallelConfig.Scope scope =
        ParallelConfig.builder().backend("threading").nJobs(2).open()) {
      inside = SquaresLibrary.sumOfSquares(100);
    }
    SquaresReport outside = SquaresLibrary.sumOfSquares(100);
    out.printf(
        "inside  ParallelConfig.builder().backend(\"threading\").nJobs(2).open():"
            + " sum=%d, library's Parallel used backend=%s, n_jobs=%d%n",
        inside.sum(), inside.backend(), inside.nJobs());
    out.printf(
        "outside the scope:                                              "
            + " sum=%d, library's Parallel used backend=%s, n_jobs=%d%n",
        outside.sum(), outside.backend(), outside.nJobs());
    return List.of(inside, outside);
  }

  /**
   * The installed backends.
   *
   * @return their names
   */
  public List<String> backends() {
    List<String> names = Backends.available();
    out.printf(
        "Backends.available() = %s, default = %s, Parallel.cpuCount() = %d%n",
        names, Backends.defaultBackend(), Parallel.cpuCount());
    return names;
  }
}
