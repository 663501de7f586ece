package org.joblib4j.examples.gridsearchcv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.common.tree.AbstractCARTTrainer;
import org.tribuo.common.tree.RandomForestTrainer;

/**
 * One point of the parameter grid of a random forest, named as scikit-learn's {@code
 * RandomForestClassifier} names them. A record, so it travels to worker JVMs as it is.
 *
 * @param nEstimators the number of trees
 * @param maxDepth the trees' maximum depth; {@link Integer#MAX_VALUE} for none
 * @param maxFeatures the fraction of the features each split considers, below 1
 */
public record ForestParams(int nEstimators, int maxDepth, float maxFeatures)
    implements Serializable {
  /** {@code random_state}: every fit starts from it, so a fit's model depends on nothing else. */
  public static final long SEED = 42L;

  /**
   * Returns every combination in scikit-learn's {@code ParameterGrid} order: the parameters sorted
   * by name ({@code max_depth}, {@code max_features}, {@code n_estimators}), the last varying
   * fastest.
   *
   * @param maxDepths the depths to try
   * @param maxFeatures the feature fractions to try
   * @param nEstimators the tree counts to try
   * @return the grid
   */
  public static List<ForestParams> grid(int[] maxDepths, float[] maxFeatures, int[] nEstimators) {
    List<ForestParams> grid = new ArrayList<>();
    for (int d : maxDepths) {
      for (float f : maxFeatures) {
        for (int n : nEstimators) {
          grid.add(new ForestParams(n, d, f));
        }
      }
    }
    return List.copyOf(grid);
  }

  /**
   * Returns a new trainer for these parameters. A Tribuo trainer's random state moves on with every
   * {@code train} call, so each fit gets its own: the same fit gives the same forest wherever it
   * runs, and in whatever order.
   *
   * @return a random forest trainer of CART trees (Gini impurity)
   */
  public Trainer<Label> trainer() {
    CARTClassificationTrainer tree =
        new CARTClassificationTrainer(
            maxDepth,
            AbstractCARTTrainer.MIN_EXAMPLES,
            0.0f,
            maxFeatures,
            false,
            new GiniIndex(),
            SEED);
    return new RandomForestTrainer<>(tree, new VotingCombiner(), nEstimators, SEED);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "{'max_depth': %s, 'max_features': %s, 'n_estimators': %d}",
        maxDepth == Integer.MAX_VALUE ? "None" : String.valueOf(maxDepth),
        maxFeatures,
        nEstimators);
  }
}
