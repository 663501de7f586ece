package org.joblib4j.examples.gridsearch;

import java.util.List;

/**
 * What a grid search found, and what its {@code Parallel} resolved to.
 *
 * @param scores every fit's score, in grid order (penalty-major, then fold)
 * @param alphas the penalties, in grid order
 * @param meanMse the mean cross-validated error of each penalty
 * @param bestAlpha the penalty with the lowest mean error
 * @param bestMse that lowest mean error
 * @param backend the backend the search's {@code Parallel} resolved
 * @param nJobs the n_jobs it resolved (as requested, possibly negative)
 * @param effectiveNJobs the number of workers it used
 */
public record GridSearchResult(
    List<FoldScore> scores,
    double[] alphas,
    double[] meanMse,
    double bestAlpha,
    double bestMse,
    String backend,
    int nJobs,
    int effectiveNJobs) {

  /**
   * Whether two searches computed the same scores, bit for bit.
   *
   * @param other the other result
   * @return true if every fit scored the same
   */
  public boolean sameScoresAs(GridSearchResult other) {
    return scores.equals(other.scores);
  }
}
