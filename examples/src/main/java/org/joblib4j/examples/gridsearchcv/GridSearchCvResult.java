package org.joblib4j.examples.gridsearchcv;

import java.util.List;

/**
 * What a grid search found: scikit-learn's {@code cv_results_} in short, and {@code best_params_}
 * and {@code best_score_}.
 *
 * @param candidates the grid, in order
 * @param scores every fit's score, candidate-major then fold, as the tasks were submitted
 * @param meanScores each candidate's mean accuracy over the folds ({@code mean_test_score})
 * @param stdScores their population standard deviation ({@code std_test_score})
 * @param bestIndex the first candidate with the highest mean ({@code best_index_})
 */
public record GridSearchCvResult(
    List<ForestParams> candidates,
    List<FoldAccuracy> scores,
    double[] meanScores,
    double[] stdScores,
    int bestIndex) {

  /**
   * Summarises every fit's score as scikit-learn does: mean and standard deviation per candidate;
   * the best is the first of the highest means.
   *
   * @param candidates the grid
   * @param scores every fit's score, candidate-major then fold
   * @param nFolds the number of folds
   * @return the summary
   */
  public static GridSearchCvResult of(
      List<ForestParams> candidates, List<FoldAccuracy> scores, int nFolds) {
    double[] mean = new double[candidates.size()];
    double[] std = new double[candidates.size()];
    int best = 0;
    for (int c = 0; c < candidates.size(); c++) {
      List<FoldAccuracy> folds = scores.subList(c * nFolds, (c + 1) * nFolds);
      for (FoldAccuracy f : folds) {
        mean[c] += f.accuracy() / nFolds;
      }
      for (FoldAccuracy f : folds) {
        std[c] += (f.accuracy() - mean[c]) * (f.accuracy() - mean[c]) / nFolds;
      }
      std[c] = Math.sqrt(std[c]);
      if (mean[c] > mean[best]) {
        best = c;
      }
    }
    return new GridSearchCvResult(List.copyOf(candidates), List.copyOf(scores), mean, std, best);
  }

  /**
   * Returns {@code best_params_}.
   *
   * @return the best candidate
   */
  public ForestParams bestParams() {
    return candidates.get(bestIndex);
  }

  /**
   * Returns {@code best_score_}.
   *
   * @return the best candidate's mean accuracy
   */
  public double bestScore() {
    return meanScores[bestIndex];
  }

  /**
   * Whether two searches computed the same scores, bit for bit.
   *
   * @param other the other result
   * @return true if every fit scored the same
   */
  public boolean sameScoresAs(GridSearchCvResult other) {
    return scores.equals(other.scores);
  }
}
