package org.joblib4j.examples.gridsearch;

/**
 * How big the grid search is: the data set, the folds and the penalties tried.
 *
 * @param nSamples rows of the synthetic data set
 * @param nFeatures columns of the synthetic data set
 * @param noise standard deviation of the target noise
 * @param nFolds cross-validation folds
 * @param alphas the ridge penalties tried
 * @param seed the seed of the data and of the fold shuffle
 */
public record GridSearchSize(
    int nSamples, int nFeatures, double noise, int nFolds, double[] alphas, long seed) {

  /** The demo's size: 8 penalties x 4 folds = 32 fits of roughly 35 ms each on one core. */
  public static final GridSearchSize DEMO =
      new GridSearchSize(1600, 480, 8.0, 4, new double[] {0.1, 1, 3, 10, 30, 100, 300, 1000}, 42L);

  /** The benchmark's larger size: the same grid over 5000 x 400. */
  public static final GridSearchSize LARGE =
      new GridSearchSize(5000, 400, 8.0, 4, new double[] {0.1, 1, 3, 10, 30, 100, 300, 1000}, 42L);

  /** A size for tests: 4 penalties x 3 folds = 12 fits of a few milliseconds. */
  public static final GridSearchSize SMALL =
      new GridSearchSize(240, 30, 8.0, 3, new double[] {0.1, 10, 100, 1000}, 7L);

  /**
   * Returns the number of fits.
   *
   * @return penalties x folds
   */
  public int fits() {
    return alphas.length * nFolds;
  }
}
