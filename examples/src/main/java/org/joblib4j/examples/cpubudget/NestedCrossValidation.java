package org.joblib4j.examples.cpubudget;

import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.examples.gridsearch.FoldScore;
import org.joblib4j.examples.gridsearch.GridSearch;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;

/**
 * A nested grid search, scikit-learn's {@code cross_val_score(GridSearchCV(Ridge(), grid,
 * n_jobs=-1), X, y, n_jobs=-1)}: the outer folds run in parallel, and in each one a grid search
 * over penalties x inner folds runs its fits in parallel too. Both levels ask for every CPU, which
 * multiplies the threads unless they share one CPU budget.
 */
public final class NestedCrossValidation {
  private NestedCrossValidation() {}

  /**
   * Scores the tuned model on each outer fold.
   *
   * @param data the data set
   * @param outer the outer splits
   * @param alphas the penalties the inner search tries
   * @param innerFolds the inner search's folds
   * @return one score per outer fold: the penalty the inner search chose and its test error
   */
  public static List<FoldScore> run(
      SyntheticData data, List<Split> outer, double[] alphas, int innerFolds) {
    return Parallel.builder()
        .nJobs(-1)
        .build()
        .run(
            outer.stream()
                .map(split -> (Task<FoldScore>) () -> outerFold(data, split, alphas, innerFolds)));
  }

  /**
   * One outer task: tunes the penalty on the fold's training rows, then scores on its test rows.
   */
  static FoldScore outerFold(SyntheticData data, Split split, double[] alphas, int innerFolds) {
    List<Split> inner = innerSplits(split, innerFolds);
    try (Parallel search = Parallel.builder().nJobs(-1).build()) {
      double best =
          GridSearch.run(data, inner, alphas, search, NestedCrossValidation::countedFit)
              .bestAlpha();
      return new FoldScore(best, split.fold(), countedFit(data, split, best).mse());
    }
  }

  /** The inner folds of an outer fold's training rows, as row numbers of the whole data set. */
  static List<Split> innerSplits(Split outer, int innerFolds) {
    int[] rows = outer.train();
    return KFold.split(rows.length, innerFolds, 1000L + outer.fold()).stream()
        .map(s -> new Split(s.fold(), rowsAt(rows, s.train()), rowsAt(rows, s.test())))
        .toList();
  }

  private static int[] rowsAt(int[] rows, int[] positions) {
    return IntStream.of(positions).map(p -> rows[p]).toArray();
  }

  /** One fit, counted while it runs. */
  static FoldScore countedFit(SyntheticData data, Split split, double alpha) {
    RunningFits.started();
    try {
      return GridSearch.fitAndScore(data, split, alpha);
    } finally {
      RunningFits.ended();
    }
  }
}
