package org.joblib4j.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.joblib4j.examples.gridsearch.GridSearch;
import org.joblib4j.examples.gridsearch.GridSearchResult;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;

/**
 * The CPU-bound workload: a cross-validated ridge grid search, timed with n_jobs=1 and n_jobs=-1.
 * It names no backend, so {@code -Djoblib4j.backend=...} or {@code JOBLIB4J_BACKEND=...} choose it.
 */
public final class GridSearchDemo {
  /** Runs of each of the sequential and the parallel search. */
  static final int ROUNDS = 2;

  private final PrintStream out;

  /**
   * Creates the demo.
   *
   * @param out where it prints
   */
  public GridSearchDemo(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the grid search sequentially and on all CPUs, alternately, and prints both.
   *
   * @param size the data set and grid
   * @return both results and their timings
   */
  public GridSearchOutcome run(GridSearchSize size) {
    SyntheticData data =
        SyntheticData.generate(size.nSamples(), size.nFeatures(), size.noise(), size.seed());
    List<Split> splits = KFold.split(size.nSamples(), size.nFolds(), size.seed());
    out.printf(
        Locale.ROOT,
        "ridge regression, %d samples x %d features, %d-fold CV, %d penalties = %d fits%n",
        size.nSamples(),
        size.nFeatures(),
        size.nFolds(),
        size.alphas().length,
        size.fits());

    // warm-up: two fits through the same code path, so the JIT has compiled the hot loops
    GridSearch.run(data, splits.subList(0, 2), new double[] {size.alphas()[0]}, 1);

    // sequential and parallel alternate; the faster of each pair of runs counts, so neither
    // order nor a late JIT compilation favours one side
    GridSearchResult sequential = null;
    GridSearchResult parallel = null;
    long sequentialNanos = Long.MAX_VALUE;
    long parallelNanos = Long.MAX_VALUE;
    boolean same = true;
    for (int round = 0; round < ROUNDS; round++) {
      long t0 = System.nanoTime();
      GridSearchResult s = GridSearch.run(data, splits, size.alphas(), 1);
      long t1 = System.nanoTime();
      GridSearchResult p = GridSearch.run(data, splits, size.alphas(), -1);
      long t2 = System.nanoTime();
      sequentialNanos = Math.min(sequentialNanos, t1 - t0);
      parallelNanos = Math.min(parallelNanos, t2 - t1);
      same &= s.sameScoresAs(p) && (sequential == null || s.sameScoresAs(sequential));
      sequential = s;
      parallel = p;
    }
    GridSearchOutcome outcome =
        new GridSearchOutcome(sequential, parallel, sequentialNanos, parallelNanos);

    print("n_jobs=1 ", sequential, outcome.sequentialNanos(), size);
    print("n_jobs=-1", parallel, outcome.parallelNanos(), size);
    out.printf(
        Locale.ROOT,
        "speed-up %.2fx (best of %d runs each); same scores in every run: %s%n",
        outcome.speedUp(),
        ROUNDS,
        same);
    return outcome;
  }

  private void print(String label, GridSearchResult r, long nanos, GridSearchSize size) {
    out.printf(
        Locale.ROOT,
        "%s: %7.0f ms (%5.1f ms/fit), resolved backend=%s n_jobs=%d (%d worker%s);"
            + " best alpha=%s, mean CV MSE=%.4f%n",
        label,
        nanos / 1e6,
        nanos / 1e6 / size.fits(),
        r.backend(),
        r.nJobs(),
        r.effectiveNJobs(),
        r.effectiveNJobs() == 1 ? "" : "s",
        formatAlpha(r.bestAlpha()),
        r.bestMse());
  }

  private static String formatAlpha(double alpha) {
    return alpha == Math.rint(alpha) ? String.valueOf((long) alpha) : String.valueOf(alpha);
  }
}
