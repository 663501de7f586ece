package org.joblib4j.examples.workload;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.joblib4j.Parallel;
import org.joblib4j.examples.progress.ProgressMode;

/**
 * Runs a workload with progress: first in parallel, then with n_jobs=1 as the baseline of the
 * speed-up (unless told not to), and prints what they computed and whether they agree.
 *
 * <p>The caller's JIT is warmed before anything is timed ({@link Workload#warmUp}). On a backend
 * whose workers are other processes (worker JVMs, a cluster's workers) the same holds for them only
 * after they have run the workload once: the first parallel run is timed on its own (the summary's
 * "first call": start-up, class loading, JIT compilation), and the speed-up compares the median of
 * the next three, warm runs with the warm n_jobs=1 run. All parallel runs share one kept-open
 * {@code Parallel}, as joblib advises for repeated calls ({@code with Parallel(...) as parallel:}):
 * on multiprocessing, whose {@code Parallel} owns its worker JVMs, that is what keeps the later
 * runs' workers warm.
 */
public final class WorkloadRunner {
  /** Warm runs on a backend whose workers are other processes; the median is reported. */
  static final int WARM_RUNS = 3;

  /** The backends that run tasks in this JVM's threads: warm once this JVM is. */
  private static final Set<String> IN_PROCESS = Set.of("threading", "sequential");

  private final PrintStream out;
  private final ProgressMode progress;
  private final Integer nJobs;
  private final boolean baseline;
  private final boolean workersElsewhere;

  /**
   * Creates a runner.
   *
   * @param out where headings, progress and results go
   * @param progress how progress shows
   * @param nJobs the n_jobs of every parallel run, or {@code null} for each workload's default
   * @param baseline whether to time the n_jobs=1 run too
   * @param backend the configured backend: on any but threading and sequential, the first parallel
   *     run is timed apart and run again warm
   */
  public WorkloadRunner(
      PrintStream out, ProgressMode progress, Integer nJobs, boolean baseline, String backend) {
    this.out = out;
    this.progress = progress;
    this.nJobs = nJobs;
    this.baseline = baseline;
    this.workersElsewhere = !IN_PROCESS.contains(backend);
  }

  /**
   * Runs a workload.
   *
   * @param workload the workload
   * @param <R> its result
   * @return its timings
   */
  public <R> WorkloadTiming run(Workload<R> workload) {
    out.println("== " + workload.title());
    workload.warmUp();
    int n = nJobs != null ? nJobs : workload.defaultNJobs();
    String label = "n_jobs=" + n;
    String firstLabel = label + ", first call";
    String column =
        "%-"
            + Math.max((workersElsewhere ? firstLabel : label).length(), "n_jobs=1".length())
            + "s";
    Run<R> first;
    Run<R> parallel;
    if (workersElsewhere) {
      SwitchableProgress progressOfRun = new SwitchableProgress();
      long start = System.nanoTime();
      try (Parallel reused =
          workload.configure(Parallel.builder().nJobs(n).progress(progressOfRun)).build()) {
        first = timed(workload, reused, progressOfRun, String.format(column, firstLabel), start);
        // the median of three warm runs: a worker JVM may still be compiling the hot loop in
        // the second, which a single run would report as the backend's speed
        List<Run<R>> warm = new ArrayList<>();
        for (int i = 0; i < WARM_RUNS; i++) {
          warm.add(
              timed(
                  workload,
                  reused,
                  progressOfRun,
                  String.format(column, label),
                  System.nanoTime()));
        }
        warm.sort(Comparator.comparingLong(Run::nanos));
        parallel = warm.get(WARM_RUNS / 2);
      }
    } else {
      first = timed(workload, n, String.format(column, label));
      parallel = first;
    }
    Run<R> sequential = baseline ? timed(workload, 1, String.format(column, "n_jobs=1")) : null;
    StringBuilder line =
        new StringBuilder(workload.describe(parallel.result()))
            .append(" (backend=")
            .append(parallel.backend())
            .append(", ")
            .append(label)
            .append(", ")
            .append(parallel.workers())
            .append(parallel.workers() == 1 ? " worker)" : " workers)");
    if (sequential != null) {
      line.append("; n_jobs=1 agrees: ")
          .append(
              workload.sameResult(parallel.result(), sequential.result())
                  && workload.sameResult(first.result(), sequential.result()));
    }
    out.println(line);
    out.println();
    return new WorkloadTiming(
        workload.name(),
        workload.tasks(),
        n,
        workersElsewhere ? first.nanos() : -1,
        parallel.nanos(),
        sequential != null ? sequential.nanos() : -1);
  }

  /** One run on a kept-open {@code Parallel}, timed from {@code start}. */
  private <R> Run<R> timed(
      Workload<R> workload,
      Parallel parallel,
      SwitchableProgress progressOfRun,
      String label,
      long start) {
    progressOfRun.show(progress.listener(out, label, workload.tasks()));
    R result = workload.run(parallel);
    return new Run<>(
        result, System.nanoTime() - start, parallel.backendName(), parallel.effectiveNJobs());
  }

  /** One run on a {@code Parallel} of its own. */
  private <R> Run<R> timed(Workload<R> workload, int n, String label) {
    long start = System.nanoTime();
    Parallel.Builder builder =
        Parallel.builder().nJobs(n).progress(progress.listener(out, label, workload.tasks()));
    // the baseline is the plain code with n_jobs=1: no workload hints (no scatter, no prefer), in
    // this thread; on dask and ray n_jobs=1 would still run on the cluster, one task at a time,
    // and a speed-up over that is no speed-up over the loop
    try (Parallel parallel =
        (n == 1 ? builder.backend("sequential") : workload.configure(builder)).build()) {
      R result = workload.run(parallel);
      return new Run<>(
          result, System.nanoTime() - start, parallel.backendName(), parallel.effectiveNJobs());
    }
  }

  private record Run<R>(R result, long nanos, String backend, int workers) {}
}
