package org.joblib4j.examples.workload;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.GridSearch;
import org.joblib4j.examples.gridsearch.GridSearchResult;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;

/**
 * The grid search over a small model: cross-validated ridge regression over a grid of penalties. On
 * a backend of other processes the data set's X and y are scattered, as the mission page does
 * ({@code with parallel_backend("dask", scatter=[X, y])}): sent once to each worker, not with every
 * fit.
 */
public final class GridSearchWorkload implements Workload<GridSearchResult> {
  /** The backends that take a {@code scatter} option. */
  public static final Set<String> SCATTERING = Set.of("loky", "multiprocessing", "dask", "ray");

  private final GridSearchSize size;
  private final String backend;
  private final SyntheticData data;
  private final List<Split> splits;

  /**
   * Creates the workload and its data set.
   *
   * @param size the data set and grid
   * @param backend the backend of the parallel run
   */
  public GridSearchWorkload(GridSearchSize size, String backend) {
    this.size = size;
    this.backend = backend;
    this.data =
        SyntheticData.generate(size.nSamples(), size.nFeatures(), size.noise(), size.seed());
    this.splits = KFold.split(size.nSamples(), size.nFolds(), size.seed());
  }

  @Override
  public String name() {
    return "grid search";
  }

  @Override
  public String title() {
    return String.format(
            Locale.ROOT,
            "grid search: ridge regression, %d samples x %d features, %d-fold CV, %d penalties",
            size.nSamples(),
            size.nFeatures(),
            size.nFolds(),
            size.alphas().length)
        + (SCATTERING.contains(backend) ? ", scatter=[X, y]" : "");
  }

  @Override
  public Parallel.Builder configure(Parallel.Builder builder) {
    return scatter(builder, backend, List.of(data.x(), data.y()));
  }

  /**
   * Scatters values on a backend that takes the option, as the mission page does; elsewhere the
   * builder stays as it is.
   *
   * @param builder the parallel run's builder
   * @param backend its backend
   * @param values what every task shares
   * @return the builder
   */
  public static Parallel.Builder scatter(Parallel.Builder builder, String backend, List<?> values) {
    return SCATTERING.contains(backend)
        ? builder.backend(backend, Map.of("scatter", values))
        : builder;
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
    // a quarter of the fits: on two cores the JIT compiling during the timed runs would otherwise
    // slow whichever run comes first
    for (int fit = 0; fit < Math.max(2, size.fits() / 4); fit++) {
      GridSearch.fitAndScore(data, splits.get(fit % splits.size()), size.alphas()[0]);
    }
  }

  @Override
  public GridSearchResult run(Parallel parallel) {
    return GridSearch.run(data, splits, size.alphas(), parallel);
  }

  @Override
  public String describe(GridSearchResult result) {
    double alpha = result.bestAlpha();
    return String.format(
        Locale.ROOT,
        "best alpha=%s, mean CV MSE=%.4f",
        alpha == Math.rint(alpha) ? String.valueOf((long) alpha) : String.valueOf(alpha),
        result.bestMse());
  }

  @Override
  public boolean sameResult(GridSearchResult a, GridSearchResult b) {
    return a.sameScoresAs(b);
  }
}
