package org.joblib4j.examples.gridsearchcv;

import static org.joblib4j.Parallel.delayed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.Split;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.dataset.DatasetView;
import org.tribuo.evaluation.KFoldSplitter;

/**
 * scikit-learn's {@code GridSearchCV(RandomForestClassifier(random_state=42), param_grid, cv=k,
 * n_jobs=...)} with Tribuo: every (parameters, fold) pair is one fit, and every fit is one task of
 * a {@code Parallel}. Like a scikit-learn estimator it never names a backend: the caller's {@code
 * Parallel}, scope or configuration does.
 */
public final class GridSearchCv {
  /**
   * Tribuo logs every tree it builds at INFO through java.util.logging; kept here (JUL holds its
   * loggers weakly) and set wherever a fit runs, worker JVMs included, as they load this class.
   */
  private static final Logger TRIBUO_LOG = quietTribuo();

  private GridSearchCv() {}

  /**
   * Splits the data set with Tribuo's {@code KFoldSplitter} (shuffled).
   *
   * @param data the data set
   * @param nFolds the number of folds
   * @param seed the shuffle's seed
   * @return one split per fold: the rows to fit on and the rows to score on
   */
  public static List<Split> folds(Dataset<Label> data, int nFolds, long seed) {
    List<Split> splits = new ArrayList<>(nFolds);
    Iterator<KFoldSplitter.TrainTestFold<Label>> it =
        new KFoldSplitter<Label>(nFolds, seed).split(data, true);
    while (it.hasNext()) {
      KFoldSplitter.TrainTestFold<Label> fold = it.next();
      splits.add(
          new Split(splits.size(), fold.train.getExampleIndices(), fold.test.getExampleIndices()));
    }
    return List.copyOf(splits);
  }

  /**
   * Fits and scores every (parameters, fold) pair with a caller's {@code Parallel}.
   *
   * @param data the data set (scatter it on process and cluster backends: it is every task's
   *     argument)
   * @param splits the cross-validation splits
   * @param grid the parameters to try
   * @param parallel the {@code Parallel} to run the fits with; left open
   * @return the scores and the best parameters
   */
  public static GridSearchCvResult run(
      Dataset<Label> data, List<Split> splits, List<ForestParams> grid, Parallel parallel) {
    int nFolds = splits.size();
    List<FoldAccuracy> scores =
        parallel.run(
            IntStream.range(0, grid.size() * nFolds)
                .mapToObj(
                    i ->
                        delayed(
                            GridSearchCv::fitAndScore,
                            data,
                            splits.get(i % nFolds),
                            grid.get(i / nFolds))));
    return GridSearchCvResult.of(grid, scores, nFolds);
  }

  /**
   * One task: fits a forest on the split's training rows and scores its accuracy on the test rows.
   * A static method with serializable arguments, so worker JVMs and cluster workers can run it.
   *
   * @param data the data set
   * @param split the split
   * @param params the forest's parameters
   * @return the score
   */
  public static FoldAccuracy fitAndScore(Dataset<Label> data, Split split, ForestParams params) {
    Model<Label> model = params.trainer().train(new DatasetView<>(data, split.train(), "train"));
    double accuracy =
        new LabelEvaluator()
            .evaluate(model, new DatasetView<>(data, split.test(), "test"))
            .accuracy();
    return new FoldAccuracy(params, split.fold(), accuracy);
  }

  private static Logger quietTribuo() {
    Logger log = Logger.getLogger("org.tribuo");
    log.setLevel(Level.WARNING);
    return log;
  }
}
