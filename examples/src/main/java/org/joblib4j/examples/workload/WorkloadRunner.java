package org.joblib4j.examples.workload;

import java.io.PrintStream;
import org.joblib4j.Parallel;
import org.joblib4j.examples.progress.ProgressMode;

/**
 * Runs a workload with progress: first in parallel, then with n_jobs=1 as the baseline of the
 * speed-up (unless told not to), and prints what they computed and whether they agree.
 */
public final class WorkloadRunner {
  private final PrintStream out;
  private final ProgressMode progress;
  private final Integer nJobs;
  private final boolean baseline;

  /**
   * Creates a runner.
   *
   * @param out where headings, progress and results go
   * @param progress how progress shows
   * @param nJobs the n_jobs of every parallel run, or {@code null} for each workload's default
   * @param baseline whether to time the n_jobs=1 run too
   */
  public WorkloadRunner(PrintStream out, ProgressMode progress, Integer nJobs, boolean baseline) {
    this.out = out;
    this.progress = progress;
    this.nJobs = nJobs;
    this.baseline = baseline;
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
    String column = "%-" + Math.max(label.length(), "n_jobs=1".length()) + "s";
    Run<R> parallel = timed(workload, n, String.format(column, label));
    StringBuilder line =
        new StringBuilder(workload.describe(parallel.result()))
            .append(" (backend=")
            .append(parallel.backend())
            .append(", ")
            .append(label)
            .append(", ")
            .append(parallel.workers())
            .append(parallel.workers() == 1 ? " worker)" : " workers)");
    long sequentialNanos = -1;
    if (baseline) {
      Run<R> sequential = timed(workload, 1, String.format(column, "n_jobs=1"));
      sequentialNanos = sequential.nanos();
      line.append("; n_jobs=1 agrees: ")
          .append(workload.sameResult(parallel.result(), sequential.result()));
    }
    out.println(line);
    out.println();
    return new WorkloadTiming(workload.name(), workload.tasks(), n, parallel.nanos(), sequentialNanos);
  }

  private <R> Run<R> timed(Workload<R> workload, int n, String label) {
    long start = System.nanoTime();
    Parallel.Builder builder =
        Parallel.builder().nJobs(n).progress(progress.listener(out, label, workload.tasks()));
    // the baseline is the plain code with n_jobs=1: no workload hints (no scatter, no prefer)
    try (Parallel parallel = (n == 1 ? builder : workload.configure(builder)).build()) {
      R result = workload.run(parallel);
      return new Run<>(
          result, System.nanoTime() - start, parallel.backendName(), parallel.effectiveNJobs());
    }
  }

  private record Run<R>(R result, long nanos, String backend, int workers) {}
}
