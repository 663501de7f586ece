package org.joblib4j.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.joblib4j.Parallel;
import org.joblib4j.examples.gridsearch.GridSearch;
import org.joblib4j.examples.gridsearch.GridSearchResult;
import org.joblib4j.examples.gridsearch.GridSearchSize;
import org.joblib4j.examples.gridsearch.KFold;
import org.joblib4j.examples.gridsearch.Split;
import org.joblib4j.examples.gridsearch.SyntheticData;
import org.joblib4j.process.TransferCounters;

/**
 * The mission page's workload: the example program's grid search (ridge regression, 8 penalties,
 * 4-fold CV) over one data set, run by each implementation; on process and cluster backends X and y
 * are scattered, as the mission page does. Records the bytes each backend sent to worker JVMs.
 */
final class GridSearchCase {
  /** The backends that take a {@code scatter} option. */
  private static final Set<String> SCATTERING = Set.of("loky", "multiprocessing", "dask", "ray");

  private final GridSearchSize size;
  private final SyntheticData data;
  private final List<Split> splits;
  private final GridSearchResult expected;
  private final Map<String, Long> bytesPerCall = new ConcurrentHashMap<>();

  GridSearchCase(GridSearchSize size) {
    this.size = size;
    this.data =
        SyntheticData.generate(size.nSamples(), size.nFeatures(), size.noise(), size.seed());
    this.splits = KFold.split(size.nSamples(), size.nFolds(), size.seed());
    this.expected = GridSearch.run(data, splits, size.alphas(), 1);
  }

  /** The section of its measurements: {@code grid-1600x480}. */
  String section() {
    return section(size);
  }

  static String section(GridSearchSize size) {
    return "grid-" + size.nSamples() + "x" + size.nFeatures();
  }

  /** The number of fits of one run. */
  int fits() {
    return size.fits();
  }

  /** Every fit in the caller's thread (n_jobs=1). */
  long sequential() {
    long t0 = System.nanoTime();
    GridSearchResult r = GridSearch.run(data, splits, size.alphas(), 1);
    long t = System.nanoTime() - t0;
    check(r);
    return t;
  }

  /**
   * A fresh {@code Parallel} on a backend, with {@code scatter=[X, y]} where it takes one.
   *
   * @param backend the backend
   * @param nJobs its n_jobs
   * @return the wall time
   */
  long joblib4jFresh(String backend, int nJobs) {
    Parallel.Builder b =
        SCATTERING.contains(backend)
            ? Parallel.builder().backend(backend, Map.of("scatter", List.of(data.x(), data.y())))
            : Parallel.builder().backend(backend);
    long sent = TransferCounters.bytesSent();
    long t0 = System.nanoTime();
    GridSearchResult r;
    try (Parallel p = b.nJobs(nJobs).build()) {
      r = GridSearch.run(data, splits, size.alphas(), p);
    }
    long t = System.nanoTime() - t0;
    bytesPerCall.put(backend, TransferCounters.bytesSent() - sent);
    check(r);
    return t;
  }

  /**
   * A {@code Parallel} to keep open across runs, with {@code scatter=[X, y]} of this case's data.
   *
   * @param backend a backend that takes {@code scatter}
   * @param nJobs its n_jobs
   * @return the open {@code Parallel}; the caller closes it
   */
  Parallel openScattered(String backend, int nJobs) {
    return Parallel.builder()
        .backend(backend, Map.of("scatter", List.of(data.x(), data.y())))
        .nJobs(nJobs)
        .build();
  }

  /**
   * A reused {@code Parallel} (its own {@code scatter}, or auto-scatter only).
   *
   * @param key the name its bytes are recorded under
   * @param p the {@code Parallel}
   * @return the wall time
   */
  long joblib4jReused(String key, Parallel p) {
    long sent = TransferCounters.bytesSent();
    long t0 = System.nanoTime();
    GridSearchResult r = GridSearch.run(data, splits, size.alphas(), p);
    long t = System.nanoTime() - t0;
    bytesPerCall.put(key, TransferCounters.bytesSent() - sent);
    check(r);
    return t;
  }

  /**
   * What the worker-JVM backends sent in their last call (dask and ray ship through their own
   * clusters and are not counted).
   *
   * @return a Markdown line
   */
  String bytesLine() {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "- Grid search %d × %d (X: %.1f MB): bytes sent to worker JVMs in one call —",
                size.nSamples(),
                size.nFeatures(),
                size.nSamples() * (double) size.nFeatures() * 8 / 1e6));
    bytesPerCall.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                s.append(
                    String.format(Locale.ROOT, " `%s` %.2f MB;", e.getKey(), e.getValue() / 1e6)));
    return s.toString();
  }

  private void check(GridSearchResult r) {
    if (!r.sameScoresAs(expected)) {
      throw new AssertionError("the grid search's scores differ from n_jobs=1's");
    }
  }
}
