package org.joblib4j.backend.multiprocessing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.joblib4j.process.ProcessBackend;
import org.joblib4j.process.SharingOptions;
import org.joblib4j.process.WorkerLauncher;
import org.joblib4j.process.WorkerMain;
import org.joblib4j.process.WorkerOptions;
import org.joblib4j.process.WorkerOptionsParser;
import org.joblib4j.process.WorkerPool;
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
 * <p>Options ({@code joblib4j.backend.multiprocessing.<key>}): {@code worker-jvm-options} (or
 * {@code jvm-args}), {@code worker-heap}, {@code initializer} (a {@code Task}, in code), {@code
 * max-tasks-per-child} (or {@code max-tasks-per-worker}), {@code idle-worker-timeout} (or {@code
 * worker-idle-timeout}; default 1 s: the workers of a {@code Parallel} that is never closed do not
 * linger), {@code memory-leak-threshold}, {@code max-in-flight}, {@code spare-workers} (default 0:
 * how many blank worker JVMs to keep started between calls, see {@link SpareWorkers}) and {@code
 * spare-idle-timeout} (default 300 s: how long unused spares wait for a call).
 */
public final class MultiprocessingBackend extends ProcessBackend {
  static final List<String> KEYS;

  static {
    List<String> keys = new ArrayList<>(WorkerOptionsParser.KEYS);
    keys.remove("max-tasks-per-worker");
    keys.add("max-tasks-per-child");
    keys.add("spare-workers");
    keys.add("spare-idle-timeout");
    keys.addAll(SharingOptions.KEYS);
    KEYS = List.copyOf(keys);
  }

  private static final Logger WARNINGS = LoggerFactory.getLogger("org.joblib4j.Parallel");

  private final WorkerOptions baseOptions;
  private final int spareWorkers;
  private final Duration spareIdleTimeout;

  /**
   * Creates a backend from its options.
   *
   * @param context the options
   */
  public MultiprocessingBackend(BackendContext context) {
    BackendContext options =
        context.withAliases(WorkerOptionsParser.aliases("max-tasks-per-child"));
    options.rejectUnknown(KEYS);
    sharing(SharingOptions.parse(options));
    this.baseOptions =
        WorkerOptionsParser.parse(
            options,
            "max-tasks-per-child",
            Duration.ofSeconds(1),
            Map.of(WorkerLauncher.KIND_VARIABLE, "multiprocessing"));
    this.spareWorkers = options.getInt("spare-workers", 0);
    if (spareWorkers < 0) {
      throw options.invalidValue(
          "spare-workers",
          "an integer >= 0, the number of blank worker JVMs kept started for the next call (0, the default,"
              + " keeps nothing running between calls)");
    }
    this.spareIdleTimeout = options.getDuration("spare-idle-timeout", Duration.ofSeconds(300));
    if (spareIdleTimeout.isNegative() || spareIdleTimeout.isZero()) {
      throw options.invalidValue(
          "spare-idle-timeout",
          "a positive duration such as 300s or 5m (how long unused spare worker JVMs wait for a call)");
    }
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    configuring(settings);
    int n = effectiveNJobs(settings.nJobs());
    String nestedIn = WorkerLauncher.currentKind();
    if (n != 1 && nestedIn != null) {
      WARNINGS.warn(
          "multiprocessing".equals(nestedIn)
              ? "Multiprocessing-backed parallel loops cannot be nested, setting nJobs=1"
              : "Multiprocessing-backed parallel loops cannot be nested, below loky, setting nJobs=1");
      return 1;
    }
    if (n != 1 && settings.nestingLevel() > 0 && !WorkerMain.isTaskThread()) {
      WARNINGS.warn(
          "Multiprocessing-backed parallel loops cannot be nested below threads, setting nJobs=1");
      return 1;
    }
    if (n == 1) {
      return 1;
    }
    WorkerPool pool = pool();
    if (pool == null || pool.isClosed()) {
      // multiprocessing takes no innerMaxNumThreads (joblib): the limit is always derived
      WorkerOptions options = WorkerOptionsParser.forCall(baseOptions, settings, n, false);
      try {
        pool =
            new WorkerPool(n, options, spareWorkers > 0 ? new SpareTaker() : new WorkerLauncher());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Could not create the multiprocessing worker pool: " + e.getMessage(), e);
      }
      usePool(pool);
    } else if (pool.size() != n) {
      pool.resize(n);
    }
    pool.prestart();
    return n;
  }

  /**
   * Destroys the pool: no worker JVM outlives its {@code Parallel}'s call or block. Every worker
   * has been sent SIGKILL when this returns; waiting for them to be reaped and deleting the pool's
   * folder happen in the background, so the call returns at once.
   */
  @Override
  public synchronized void terminate() {
    releaseScattered();
    WorkerPool pool = pool();
    if (pool != null) {
      pool.closeAsync();
      usePool(null);
    }
    resetBatching();
  }

  /** At the end of each call, spares for the next one start in the background. */
  @Override
  public void stopCall() {
    super.stopCall();
    WorkerPool pool;
    synchronized (this) {
      pool = pool();
    }
    if (spareWorkers > 0 && pool != null) {
      SpareWorkers.replenish(pool.options(), spareWorkers, spareIdleTimeout);
    }
  }

  /** Starts a pool's workers from the spares when some fit, and as usual otherwise. */
  private static final class SpareTaker extends WorkerLauncher {
    @Override
    public Process launch(WorkerOptions options, Path socket, String token, Path errorDir)
        throws IOException {
      Process spare = SpareWorkers.take(options);
      if (spare != null) {
        try {
          assign(spare, socket, token);
          return spare;
        } catch (IOException e) {
          spare.destroyForcibly();
        }
      }
      return super.launch(options, socket, token, errorDir);
    }
  }

  /** Kills the spare worker JVMs of {@code spare-workers} now (a later call starts new ones). */
  public static void shutdownSpareWorkers() {
    SpareWorkers.shutdown();
  }

  /**
   * Returns the pids of the spare worker JVMs waiting for a call, for tests and diagnostics.
   *
   * @return the pids
   */
  public static List<Long> spareWorkerPids() {
    return SpareWorkers.pids();
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
