package org.joblib4j.examples.gridsearch;

import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.TaskTriFunction;

/**
 * A small {@code GridSearchCV}: cross-validates ridge regression over a grid of penalties. Like a
 * scikit-learn estimator it takes an {@code nJobs} argument and never names a backend, so the
 * caller chooses one with a {@code ParallelConfig} scope, a system property or an environment
 * variable.
 */
public final class GridSearch {
  private GridSearch() {}

  /**
   * Fits and scores every (penalty, fold) pair in parallel.
   *
   * @param data the data set
   * @param splits the cross-validation splits
   * @param alphas the penalties to try
   * @param nJobs the n_jobs to request (1 = sequential, -1 = all CPUs)
   * @return the scores and the best penalty
   */
  public static GridSearchResult run(
      SyntheticData data, List<Split> splits, double[] alphas, int nJobs) {
    try (Parallel parallel = Parallel.builder().nJobs(nJobs).build()) {
      return run(data, splits, alphas, parallel);
    }
  }

  /**
   * Fits and scores every (penalty, fold) pair with a caller's {@code Parallel}.
   *
   * @param data the data set
   * @param splits the cross-validation splits
   * @param alphas the penalties to try
   * @param parallel the {@code Parallel} to run the fits with; left open
   * @return the scores and the best penalty
   */
  public static GridSearchResult run(
      SyntheticData data, List<Split> splits, double[] alphas, Parallel parallel) {
    return run(data, splits, alphas, parallel, GridSearch::fitAndScore);
  }

  /**
   * Fits and scores every (penalty, fold) pair with a caller's {@code Parallel} and fit function.
   *
   * @param data the data set
   * @param splits the cross-validation splits
   * @param alphas the penalties to try
   * @param parallel the {@code Parallel} to run the fits with; left open
   * @param fit what fits and scores one pair ({@link #fitAndScore} or a wrapper of it)
   * @return the scores and the best penalty
   */
  public static GridSearchResult run(
      SyntheticData data,
      List<Split> splits,
      double[] alphas,
      Parallel parallel,
      TaskTriFunction<SyntheticData, Split, Double, FoldScore> fit) {
    List<FoldScore> scores =
        parallel.run(
            IntStream.range(0, alphas.length * splits.size())
                .mapToObj(
                    i ->
                        delayed(
                            fit, data, splits.get(i % splits.size()), alphas[i / splits.size()])));
    return summarise(
        scores,
        alphas,
        splits.size(),
        parallel.backendName(),
        parallel.nJobs(),
        parallel.effectiveNJobs());
  }

  /**
   * One task: fits on the split's training rows, scores on its test rows.
   *
   * @param data the data set
   * @param split the split
   * @param alpha the penalty
   * @return the score
   */
  public static FoldScore fitAndScore(SyntheticData data, Split split, double alpha) {
    RidgeModel model = RidgeRegression.fit(data, split.train(), alpha);
    return new FoldScore(alpha, split.fold(), model.meanSquaredError(data, split.test()));
  }

  static GridSearchResult summarise(
      List<FoldScore> scores,
      double[] alphas,
      int nFolds,
      String backend,
      int nJobs,
      int effectiveNJobs) {
    double[] mean = new double[alphas.length];
    for (int i = 0; i < scores.size(); i++) {
      mean[i / nFolds] += scores.get(i).mse() / nFolds;
    }
    int best = 0;
    for (int a = 1; a < alphas.length; a++) {
      if (mean[a] < mean[best]) {
        best = a;
      }
    }
    return new GridSearchResult(
        List.copyOf(scores),
        alphas.clone(),
        mean,
        alphas[best],
        mean[best],
        backend,
        nJobs,
        effectiveNJobs);
  }
}
