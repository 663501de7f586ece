package org.joblib4j.backend.loky;

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
 * joblib's {@code LokyBackend}: tasks run in worker JVMs of one process-wide pool that is started
 * lazily, reused by every call, resized when n_jobs changes, healed after a crash and left idle
 * until {@code idle-worker-timeout}. Isolation is the point: a task that exits, crashes, leaks or
 * hangs cannot take the caller down, and a stuck task can really be stopped.
 *
 * <p>Options ({@code joblib4j.backend.loky.<key>}, or {@code backend("loky", Map.of(...))}): those
 * of {@link WorkerOptionsParser#KEYS} (and their old names, {@link WorkerOptionsParser#aliases}),
 * and {@code scatter}, {@code auto-scatter}, {@code auto-scatter-threshold} ({@link
 * SharingOptions}).
 */
public final class LokyBackend extends ProcessBackend {
  /** Tells a worker JVM which backend started it (for joblib's nesting warnings). */
  static final Map<String, String> WORKER_ENVIRONMENT =
      Map.of(WorkerLauncher.KIND_VARIABLE, "loky");

  private static final Logger WARNINGS = LoggerFactory.getLogger("org.joblib4j.Parallel");

  /**
   * The option names: the worker JVMs' ({@link WorkerOptionsParser#KEYS}) and what travels once.
   */
  static final List<String> KEYS;

  static {
    List<String> keys = new ArrayList<>(WorkerOptionsParser.KEYS);
    keys.addAll(SharingOptions.KEYS);
    KEYS = List.copyOf(keys);
  }

  private final WorkerOptions baseOptions;

  /** What the configured calls need; the pool itself is leased at each call's start. */
  private WorkerOptions callOptions;

  private int callWorkers;

  /**
   * Creates a backend from its options.
   *
   * @param context the options
   */
  public LokyBackend(BackendContext context) {
    if (context.get("timeout") != null) {
      throw new IllegalArgumentException(
          "The 'timeout' parameter is not supported by the LokyBackend. Please use the"
              + " `idle-worker-timeout` parameter instead.");
    }
    BackendContext options =
        context.withAliases(WorkerOptionsParser.aliases("max-tasks-per-worker"));
    options.rejectUnknown(KEYS);
    sharing(SharingOptions.parse(options));
    this.baseOptions =
        WorkerOptionsParser.parse(
            options, "max-tasks-per-worker", Duration.ofSeconds(300), WORKER_ENVIRONMENT);
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    configuring(settings);
    int n = effectiveNJobs(settings.nJobs());
    if (n > 1 && "multiprocessing".equals(WorkerLauncher.currentKind())) {
      // joblib: a multiprocessing worker is daemonic and cannot have children
      WARNINGS.warn(
          "Loky-backed parallel loops cannot be called in a multiprocessing, setting nJobs=1");
      return 1;
    }
    if (n > 1 && settings.nestingLevel() > 0 && !WorkerMain.isTaskThread()) {
      WARNINGS.warn("Loky-backed parallel loops cannot be nested below threads, setting nJobs=1");
      return 1;
    }
    if (n == 1) {
      return 1;
    }
    callOptions = WorkerOptionsParser.forCall(baseOptions, settings, n, true);
    callWorkers = n;
    return n;
  }

  /**
   * Takes the shared pool current at the call's start: a kept-open {@code Parallel} configured once
   * moves to the pool that replaced its old one (or replaces it with its own options).
   */
  @Override
  protected synchronized WorkerPool leasePool(Object call) {
    WorkerPool pool = SharedPool.lease(callOptions, callWorkers, call);
    pool.prestart();
    return pool;
  }

  @Override
  public void terminate() {
    // the workers stay for the next call (loky's reusable executor); only the call's state goes,
    // and what this Parallel scattered
    releaseScattered();
    resetBatching();
  }

  @Override
  public boolean supportsInnerMaxNumThreads() {
    return true;
  }

  /** Kills the process-wide worker pool now (it restarts on the next call). */
  public static void shutdown() {
    SharedPool.shutdown();
  }

  /**
   * Returns the pids of the process-wide pool's workers.
   *
   * @return the pids, empty when no pool runs
   */
  public static List<Long> workerPids() {
    return new ArrayList<>(SharedPool.pids());
  }
}
