package org.joblib4j.backend.multiprocessing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.joblib4j.Parallel;
import org.joblib4j.core.process.ProcessBackend;
import org.joblib4j.core.process.WorkerLauncher;
import org.joblib4j.core.process.WorkerMain;
import org.joblib4j.core.process.WorkerOptions;
import org.joblib4j.core.process.WorkerOptionsParser;
import org.joblib4j.core.process.WorkerPool;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.CallSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * joblib's {@code MultiprocessingBackend}: a pool of worker JVMs owned by one {@code Parallel} —
 * created for its call and destroyed after it, or kept for a reused {@code Parallel} until {@code
 * close()} — so every call starts from clean static state and nothing stays running. Built on the
 * same process toolkit as {@code loky}; where joblib's multiprocessing hangs when a worker is
 * killed mid-task, this one fails the call at once with {@code WorkerTerminatedException}.
 *
 * <p>Options ({@code joblib4j.backend.multiprocessing.<key>}): {@code jvm-args}, {@code
 * worker-heap}, {@code initializer} (a {@code Task}, in code), {@code max-tasks-per-child}, {@code
 * idle-worker-timeout} (default 1 s: the workers of a {@code Parallel} that is never closed do not
 * linger), {@code memory-leak-threshold}, {@code max-in-flight}.
 */
public final class MultiprocessingBackend extends ProcessBackend {
  static final List<String> KEYS;

  static {
    List<String> keys = new ArrayList<>(WorkerOptionsParser.KEYS);
    keys.remove("max-tasks-per-worker");
    keys.add("max-tasks-per-child");
    KEYS = List.copyOf(keys);
  }

  private static final Logger WARNINGS = LoggerFactory.getLogger("org.joblib4j.Parallel");

  private final WorkerOptions baseOptions;

  /**
   * Creates a backend from its options.
   *
   * @param context the options
   */
  public MultiprocessingBackend(BackendContext context) {
    context.rejectUnknown(KEYS);
    this.baseOptions =
        WorkerOptionsParser.parse(
            context,
            "max-tasks-per-child",
            Duration.ofSeconds(1),
            Map.of(WorkerLauncher.KIND_VARIABLE, "multiprocessing"));
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    configuring(settings);
    int n = effectiveNJobs(settings.nJobs());
    String nestedIn = WorkerLauncher.currentKind();
    if (n != 1 && nestedIn != null) {
      WARNINGS.warn(
          "multiprocessing".equals(nestedIn)
              ? "Multiprocessing-backed parallel loops cannot be nested, setting n_jobs=1"
              : "Multiprocessing-backed parallel loops cannot be nested, below loky, setting n_jobs=1");
      return 1;
    }
    if (n != 1 && settings.nestingLevel() > 0 && !WorkerMain.isTaskThread()) {
      WARNINGS.warn("Multiprocessing-backed parallel loops cannot be nested below threads, setting n_jobs=1");
      return 1;
    }
    if (n == 1) {
      return 1;
    }
    WorkerPool pool = pool();
    if (pool == null || pool.isClosed()) {
      WorkerOptions options = WorkerOptionsParser.withThreadLimit(baseOptions, Math.max(Parallel.cpuCount() / n, 1), false);
      try {
        pool = new WorkerPool(n, options, new WorkerLauncher());
      } catch (IOException e) {
        throw new UncheckedIOException("Could not create the multiprocessing worker pool: " + e.getMessage(), e);
      }
      usePool(pool);
    } else if (pool.size() != n) {
      pool.resize(n);
    }
    pool.prestart();
    return n;
  }

  /** Destroys the pool: no worker JVM outlives its {@code Parallel}'s call or block. */
  @Override
  public synchronized void terminate() {
    WorkerPool pool = pool();
    if (pool != null) {
      pool.close();
      usePool(null);
    }
    resetBatching();
  }

  /**
   * Returns the pids of this backend's live workers, for tests and diagnostics.
   *
   * @return the pids, empty when no pool exists
   */
  public synchronized List<Long> workerPids() {
    WorkerPool pool = pool();
    return pool == null || pool.isClosed() ? List.of() : pool.pids();
  }
}
