package org.joblib4j.examples.gridsearchcv;

import java.util.List;

/**
 * The parameter grid and the folds of the grid search.
 *
 * @param grid the candidates, in {@code ParameterGrid} order
 * @param nFolds the cross-validation folds ({@code cv})
 * @param seed the fold shuffle's seed
 */
public record GridSearchCvSize(List<ForestParams> grid, int nFolds, long seed) {
  private static final int NONE = Integer.MAX_VALUE;

  /** The example's grid: 12 candidates x 5 folds = 60 fits of 0.1-0.2 s each on one core. */
  public static final GridSearchCvSize DEMO =
      new GridSearchCvSize(
          ForestParams.grid(new int[] {4, 8, NONE}, new float[] {0.2f, 0.5f}, new int[] {20, 40}),
          5,
          42L);

  /** {@code --small} and the tests: 2 candidates x 5 folds = 10 fits of a few tens of ms. */
  public static final GridSearchCvSize SMALL =
      new GridSearchCvSize(
          ForestParams.grid(new int[] {4, NONE}, new float[] {0.3f}, new int[] {8}), 5, 42L);

  /**
   * Returns the number of fits.
   *
   * @return candidates x folds
   */
  public int fits() {
    return grid.size() * nFolds;
  }
}
