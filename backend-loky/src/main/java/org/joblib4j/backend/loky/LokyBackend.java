package org.joblib4j.backend.loky;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.core.config.ByteSizes;
import org.joblib4j.core.process.ArraySpiller;
import org.joblib4j.core.process.JavaTaskSerializer;
import org.joblib4j.core.process.SerializationDiagnostics;
import org.joblib4j.core.process.WorkerMain;
import org.joblib4j.core.process.WorkerOptions;
import org.joblib4j.core.process.WorkerPool;
import org.joblib4j.spi.AutoBatchSizer;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * joblib's {@code LokyBackend}: tasks run in worker JVMs of one process-wide pool that is started
 * lazily, reused by every call, resized when n_jobs changes, healed after a crash and left idle
 * until {@code idle-worker-timeout}. Isolation is the point: a task that exits, crashes, leaks or
 * hangs cannot take the caller down, and a stuck task can really be stopped.
 *
 * <p>Options ({@code joblib4j.backend.loky.<key>}, or {@code backend("loky", Map.of(...))}):
 * {@code jvm-args}, {@code worker-heap}, {@code idle-worker-timeout}, {@code
 * max-tasks-per-worker}, {@code memory-leak-threshold}, {@code max-in-flight}, {@code
 * initializer} (a {@link Task}, in code only).
 */
public final class LokyBackend implements ParallelBackend {
  static final List<String> OPTIONS =
      List.of(
          "jvm-args",
          "worker-heap",
          "idle-worker-timeout",
          "max-tasks-per-worker",
          "memory-leak-threshold",
          "max-in-flight",
          "initializer");
  private static final Logger WARNINGS = LoggerFactory.getLogger("org.joblib4j.Parallel");

  private final WorkerOptions baseOptions;
  private final AutoBatchSizer batching = new AutoBatchSizer();
  private WorkerPool pool;
  private CallSettings settings;
  private ArraySpiller spiller;
  private JavaTaskSerializer serializer = new JavaTaskSerializer();
  private volatile Object call = new Object();

  /**
   * Creates a backend from its options.
   *
   * @param context the options
   */
  public LokyBackend(BackendContext context) {
    if (context.get("timeout") != null) {
      throw new IllegalArgumentException(
          "The 'timeout' parameter is not supported by the LokyBackend. Please use the"
              + " `idle_worker_timeout` parameter instead.");
    }
    context.rejectUnknown(OPTIONS);
    String jvmArgs = context.string("jvm-args", "").trim();
    long leak;
    try {
      Long parsed = ByteSizes.parse(context.string("memory-leak-threshold", "300M"));
      leak = parsed == null ? 0 : parsed;
    } catch (IllegalArgumentException e) {
      throw new org.joblib4j.ParallelConfigurationException(
          "Invalid value '" + context.get("memory-leak-threshold")
              + "' for joblib4j.backend.loky.memory-leak-threshold: must be a size such as 300M, or none.");
    }
    byte[] initializer = null;
    Object init = context.get("initializer");
    if (init != null) {
      if (!(init instanceof Task)) {
        throw new org.joblib4j.ParallelConfigurationException(
            "The loky option 'initializer' must be a org.joblib4j.Task, got " + init.getClass().getName());
      }
      try {
        initializer = serializer.serialize(init);
      } catch (IOException e) {
        throw new IllegalArgumentException("The loky initializer cannot be serialized: " + e, e);
      }
    }
    int maxInFlight = context.integer("max-in-flight", 2);
    if (maxInFlight < 1) {
      throw new org.joblib4j.ParallelConfigurationException(
          "Invalid value '" + maxInFlight + "' for joblib4j.backend.loky.max-in-flight: must be a positive integer.");
    }
    this.baseOptions =
        new WorkerOptions(
            jvmArgs.isEmpty() ? List.of() : Arrays.asList(jvmArgs.split("\\s+")),
            context.string("worker-heap", null),
            null,
            java.util.Map.of(),
            context.duration("idle-worker-timeout", Duration.ofSeconds(300)),
            context.integer("max-tasks-per-worker", 0),
            leak,
            maxInFlight,
            initializer);
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    this.settings = settings;
    int n = effectiveNJobs(settings.nJobs());
    if (n > 1 && settings.nestingLevel() > 0 && !WorkerMain.isTaskThread()) {
      WARNINGS.warn("Loky-backed parallel loops cannot be nested below threads, setting n_jobs=1");
      return 1;
    }
    if (n == 1) {
      return 1;
    }
    int threads = settings.innerMaxNumThreads() != null
        ? settings.innerMaxNumThreads()
        : Math.max(Parallel.cpuCount() / n, 1);
    WorkerOptions options =
        new WorkerOptions(
            baseOptions.jvmArgs(),
            baseOptions.heap(),
            threads,
            baseOptions.environment(),
            baseOptions.idleTimeout(),
            baseOptions.maxTasksPerWorker(),
            baseOptions.leakBytes(),
            baseOptions.maxInFlight(),
            baseOptions.initializer());
    pool = SharedPool.get(options, n);
    return n;
  }

  @Override
  public synchronized void startCall() {
    call = new Object();
    if (settings != null && settings.maxNbytes() != null) {
      spiller = new ArraySpiller(settings.tempFolder(), settings.maxNbytes());
      serializer = new JavaTaskSerializer(spiller, null);
    }
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    WorkerPool p;
    JavaTaskSerializer s;
    synchronized (this) {
      p = pool;
      s = serializer;
    }
    byte[] bytes;
    try {
      bytes = s.serialize(batch);
    } catch (IOException | RuntimeException e) {
      throw SerializationDiagnostics.diagnose(batch, e, new JavaTaskSerializer());
    }
    return p.submit(call, bytes, batch.firstIndex());
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    WorkerPool p;
    synchronized (this) {
      p = pool;
    }
    if (p != null) {
      p.abort(call);
    }
  }

  @Override
  public synchronized void stopCall() {
    // the call's spilled arrays go with the call, also after errors and kills
    if (spiller != null) {
      spiller.close();
      spiller = null;
      serializer = new JavaTaskSerializer();
    }
  }

  @Override
  public int computeBatchSize() {
    return batching.computeBatchSize();
  }

  @Override
  public void batchCompleted(int batchSize, long durationNanos) {
    batching.batchCompleted(batchSize, durationNanos);
  }

  @Override
  public synchronized void terminate() {
    // the workers stay for the next call (loky's reusable executor); only the call's state goes
    batching.reset();
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
    return SharedPool.pids();
  }
}
