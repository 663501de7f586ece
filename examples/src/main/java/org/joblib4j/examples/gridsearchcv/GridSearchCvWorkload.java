package org.joblib4j.examples.gridsearchcv;

import java.util.List;
import java.util.Locale;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.workload.GridSearchWorkload;
import org.joblib4j.examples.workload.Workload;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/**
 * The grid search as a workload of the demo's runner: timed in parallel and with n_jobs=1. On a
 * backend of other processes the data set is scattered ({@code scatter=[data]}): sent once to each
 * worker, not with every fit.
 */
public final class GridSearchCvWorkload implements Workload<GridSearchCvResult> {
  private final GridSearchCvSize size;
  private final String backend;
  private final MutableDataset<Label> data;
  private final List<Split> splits;
  private GridSearchCvResult last;

  /**
   * Loads the data set and splits it.
   *
   * @param size the grid and the folds
   * @param backend the backend of the parallel runs
   */
  public GridSearchCvWorkload(GridSearchCvSize size, String backend) {
    this.size = size;
    this.backend = backend;
    this.data = BreastCancer.load();
    this.splits = GridSearchCv.folds(data, size.nFolds(), size.seed());
  }

  @Override
  public String name() {
    return "GridSearchCV";
  }

  @Override
  public String title() {
    return String.format(
            Locale.ROOT,
            "GridSearchCV(RandomForestClassifier(random_state=%d), param_grid, cv=%d) with Tribuo:"
                + " UCI breast cancer, %d samples x %d features, %d candidates x %d folds = %d fits",
            ForestParams.SEED,
            size.nFolds(),
            data.size(),
            data.getFeatureMap().size(),
            size.grid().size(),
            size.nFolds(),
            size.fits())
        + (GridSearchWorkload.SCATTERING.contains(backend) ? ", scatter=[data]" : "");
  }

  @Override
  public Parallel.Builder configure(Parallel.Builder builder) {
    return GridSearchWorkload.scatter(builder, backend, List.of(data));
  }

  @Override
  public int tasks() {
    return size.fits();
  }

  @Override
  public int defaultNJobs() {
    return -1;
  }

  @Override
  public void warmUp() {
    // a few fits in the caller first, so that the JIT does not slow whichever timed run comes first
    for (int fit = 0; fit < Math.max(2, size.fits() / 4); fit++) {
      GridSearchCv.fitAndScore(data, splits.get(fit % splits.size()), size.grid().get(0));
    }
  }

  @Override
  public GridSearchCvResult run(Parallel parallel) {
    last = GridSearchCv.run(data, splits, size.grid(), parallel);
    return last;
  }

  @Override
  public String describe(GridSearchCvResult result) {
    return String.format(
        Locale.ROOT, "best_params_=%s, best_score_=%.4f", result.bestParams(), result.bestScore());
  }

  @Override
  public boolean sameResult(GridSearchCvResult a, GridSearchCvResult b) {
    return a.sameScoresAs(b);
  }

  /**
   * Returns the result of the last run.
   *
   * @return it, or {@code null} before the first
   */
  public GridSearchCvResult lastResult() {
    return last;
  }
}
