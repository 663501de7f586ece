package org.joblib4j.core.engine;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.core.retry.RetriedInput;
import org.joblib4j.internal.ParallelExecution;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.TaskContext;
import org.joblib4j.spi.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine side of one {@code Parallel}: runs one call at a time, keeps its backend configured
 * between calls until {@link #close()} (joblib's {@code with Parallel(...)}), and after close
 * configures and terminates the backend around every call.
 */
public final class Execution implements ParallelExecution {
  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private final ResolvedParallel settings;
  private final String parallel;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Object lifecycle = new Object();
  private boolean configured;
  private int workers;

  /** What the backend was configured with, when the CPU budget can change it between calls. */
  private CallSettings configuredWith;

  /** The running call's CPUs from the budget, {@code null} without it. */
  private CpuBudget.Grant grant;

  private boolean closed;
  private ResultSource live;

  /**
   * Creates the execution of resolved settings.
   *
   * @param settings the settings
   */
  public Execution(ResolvedParallel settings) {
    this.settings = settings;
    this.parallel = "Parallel(n_jobs=" + settings.nJobs() + ")";
  }

  @Override
  public String backendName() {
    return settings.backendName();
  }

  @Override
  public Integer nJobs() {
    return settings.nJobs();
  }

  @Override
  public int nestingLevel() {
    return settings.nestingLevel();
  }

  @Override
  public int verbose() {
    return settings.get(Settings.VERBOSE);
  }

  @Override
  public int effectiveNJobs() {
    return settings.backend().effectiveNJobs(settings.nJobs());
  }

  /**
   * Returns the resolved settings.
   *
   * @return the settings
   */
  public ResolvedParallel settings() {
    return settings;
  }

  @Override
  public List<Object> run(Iterator<? extends Task<?>> tasks, long size, boolean outcomes) {
    return begin(tasks, size, false, outcomes).collectAll(size);
  }

  @Override
  public ResultIterator<Object> iterate(
      Iterator<? extends Task<?>> tasks, long size, boolean outcomes) {
    return begin(tasks, size, settings.get(Settings.RETURN_AS) != ReturnAs.LIST, outcomes);
  }

  @Override
  public CompletableFuture<List<Object>> submit(
      Iterator<? extends Task<?>> tasks, long size, boolean outcomes) {
    CallIterator call;
    try {
      call = begin(tasks, size, false, outcomes);
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
    return SubmittedCall.collect(call, size);
  }

  @Override
  public Flow.Publisher<Object> publish(
      Supplier<? extends Iterator<? extends Task<?>>> tasks, long size) {
    return new CallPublisher(() -> iterate(tasks.get(), size, false));
  }

  private CallIterator begin(
      Iterator<? extends Task<?>> tasks, long size, boolean generator, boolean outcomes) {
    Results results =
        new Results(
            outcomes
                ? Results.Mode.OUTCOMES
                : settings.get(Settings.ERROR_POLICY) == ErrorPolicy.COLLECT
                    ? Results.Mode.COLLECTED_VALUES
                    : Results.Mode.VALUES,
            settings.backendName(),
            parallel,
            tasks instanceof RetriedInput);
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "This Parallel instance is already running !"
              + (settings.get(Settings.RETURN_AS) != ReturnAs.LIST
                  ? " Before submitting new tasks, you must wait for the completion of all the"
                      + " previous tasks, or clean all references to the output generator."
                  : ""));
    }
    ParallelBackend backend = settings.backend();
    boolean reuse;
    int n;
    Integer taskShare;
    try {
      synchronized (lifecycle) {
        reuse = !closed;
        CallSettings call = budgeted(reuse);
        if (configured && configuredWith != null && !configuredWith.equals(call)) {
          // the budget gave this call other workers or CPUs than the last one
          configured = false;
          backend.terminate();
        }
        if (!configured) {
          workers = backend.configure(call);
          configured = true;
          configuredWith = grant == null ? null : call;
        }
        n = workers;
        taskShare = grant == null ? null : grant.taskShare(n, size);
      }
      if (n <= 0) {
        throw new IllegalStateException(
            backend.getClass().getSimpleName() + " has no active worker.");
      }
    } catch (RuntimeException | Error e) {
      endCall(false, reuse());
      throw e;
    }
    boolean collect = results.mode() != Results.Mode.VALUES;
    long timeoutNanos =
        settings.get(Settings.TASK_TIMEOUT) == null
            ? 0
            : settings.get(Settings.TASK_TIMEOUT).toNanos();
    // each task's run time is for the progress listener's events alone
    boolean timed = settings.get(Settings.PROGRESS) != null;
    if (n == 1) {
      return sequential(
          tasks,
          size,
          generator,
          reuse,
          new Batch.Options(null, collect, timeoutNanos, timed),
          results,
          taskShare);
    }
    // the caller's context travels with every batch to the threads or JVMs that run it; on this
    // JVM's threads each task's CPU share travels with it (worker JVMs get theirs as thread limit)
    TaskContext context =
        taskShare != null && backend.usesThreads()
            ? CpuBudget.captureWithShare(taskShare, TaskContext::capture)
            : TaskContext.capture();
    Batch.Options options = new Batch.Options(context, collect, timeoutNanos, timed);
    return dispatched(tasks, size, generator, reuse, n, options, results);
  }

  /**
   * With the CPU budget on, takes this call's CPUs (kept in {@link #grant} until the call ends) and
   * gives the backend the workers and CPUs they allow; without it, the settings as they are. The
   * budget counts the CPUs of this JVM's threads and of its worker JVMs, not a cluster's.
   */
  private CallSettings budgeted(boolean reuse) {
    ParallelBackend backend = settings.backend();
    if (settings.cpuBudget() == null || !backend.usesLocalCpus()) {
      return callSettings(reuse, settings.nJobs(), null);
    }
    int cpusPerWorker =
        backend.supportsInnerMaxNumThreads() && settings.get(Settings.INNER_MAX_NUM_THREADS) != null
            ? settings.get(Settings.INNER_MAX_NUM_THREADS)
            : 1;
    grant = settings.cpuBudget().take(backend.effectiveNJobs(settings.nJobs()), cpusPerWorker);
    return callSettings(reuse, grant.workers(), grant.cpus());
  }

  private boolean reuse() {
    synchronized (lifecycle) {
      return !closed;
    }
  }

  private CallIterator sequential(
      Iterator<? extends Task<?>> tasks,
      long size,
      boolean generator,
      boolean reuse,
      Batch.Options options,
      Results results,
      Integer taskShare) {
    if (settings.get(Settings.TIMEOUT) != null) {
      Warnings.warn(timeoutIgnored("SequentialBackend"));
    }
    ProgressReporter progress =
        new ProgressReporter(
            settings.get(Settings.VERBOSE),
            parallel,
            settings.get(Settings.PROGRESS),
            settings.backendName(),
            0,
            size);
    progress.started("SequentialBackend", 1, size, false);
    int batchSize =
        settings.get(Settings.BATCH_SIZE) == null ? 1 : settings.get(Settings.BATCH_SIZE);
    SequentialSource source =
        new SequentialSource(
            tasks, batchSize, progress, settings.backendName(), parallel, options, taskShare);
    CallIterator.CallEnd end =
        new CallIterator.CallEnd(
            failure -> {
              progress.finished(source.state(), failure);
              endCall(false, reuse);
            });
    return new CallIterator(source, end, generator, null, results);
  }

  private CallIterator dispatched(
      Iterator<? extends Task<?>> tasks,
      long size,
      boolean generator,
      boolean reuse,
      int n,
      Batch.Options options,
      Results results) {
    ParallelBackend backend = settings.backend();
    String backendClass = backend.getClass().getSimpleName();
    java.time.Duration timeout = settings.get(Settings.TIMEOUT);
    if (timeout != null && !backend.supportsTimeout()) {
      Warnings.warn(timeoutIgnored(backendClass));
      timeout = null;
    }
    DispatchCall call;
    ProgressReporter progress;
    try {
      long preDispatch = DispatchCall.resolvePreDispatch(settings.get(Settings.PRE_DISPATCH), n);
      progress =
          new ProgressReporter(
              settings.get(Settings.VERBOSE),
              parallel,
              settings.get(Settings.PROGRESS),
              settings.backendName(),
              Math.max(preDispatch, 0),
              size);
      progress.started(backendClass, n, size, true);
      backend.startCall();
      call =
          new DispatchCall(
              backend,
              settings.backendName(),
              parallel,
              n,
              // a task timeout is enforced task by task: one task per batch
              options.taskTimeoutNanos() > 0
                  ? Integer.valueOf(1)
                  : settings.get(Settings.BATCH_SIZE),
              preDispatch,
              // only a generator hands results over in completion order; a list is in input order
              !generator || settings.get(Settings.RETURN_AS) != ReturnAs.GENERATOR_UNORDERED,
              timeout,
              backend.nestedBackend(settings.nestingLevel()),
              progress,
              () -> abortBackend(backend, reuse),
              options,
              settings.get(Settings.MAX_PENDING_RESULTS),
              settings.get(Settings.MAX_BATCH_SIZE),
              settings.get(Settings.MAX_PENDING_BYTES),
              tasks instanceof RetriedInput ? ((RetriedInput) tasks).policy() : null);
    } catch (RuntimeException | Error e) {
      endCall(true, reuse);
      throw e;
    }
    synchronized (lifecycle) {
      live = call;
    }
    DispatchCall started = call;
    ProgressReporter reporter = progress;
    CallIterator.CallEnd end =
        new CallIterator.CallEnd(
            failure -> {
              reporter.finished(started.state(), failure);
              endCall(true, reuse);
            });
    try {
      call.start(tasks, size);
    } catch (RuntimeException | Error e) {
      call.abort();
      end.end(e);
      throw e;
    }
    return new CallIterator(call, end, generator, backend::retrievalContext, results);
  }

  private static void abortBackend(ParallelBackend backend, boolean ensureReady) {
    try {
      backend.abortEverything(ensureReady);
    } catch (RuntimeException e) {
      LOG.warn("{}.abortEverything failed", backend.getClass().getSimpleName(), e);
    }
  }

  private String timeoutIgnored(String backendClass) {
    return "The backend class '"
        + backendClass
        + "' does not support timeout. You have set 'timeout="
        + Durations.seconds(settings.get(Settings.TIMEOUT))
        + "' in Parallel but the 'timeout' parameter will not be used.";
  }

  private CallSettings callSettings(boolean reuse, int nJobs, Integer cpuShare) {
    return new CallSettings(
        nJobs,
        settings.nestingLevel(),
        settings.get(Settings.VERBOSE),
        settings.get(Settings.PREFER),
        settings.get(Settings.REQUIRE),
        settings.get(Settings.TIMEOUT),
        settings.get(Settings.TEMP_FOLDER),
        settings.maxNbytes(),
        settings.get(Settings.MMAP_MODE),
        settings.get(Settings.INNER_MAX_NUM_THREADS),
        reuse,
        cpuShare);
  }

  /** Ends a call: stop it on the backend, release the backend unless this instance keeps it. */
  private void endCall(boolean started, boolean reuse) {
    ParallelBackend backend = settings.backend();
    try {
      if (started) {
        backend.stopCall();
      }
    } finally {
      synchronized (lifecycle) {
        if (grant != null) {
          grant.release();
          grant = null;
        }
        live = null;
        running.set(false);
        if ((!reuse || closed) && configured) {
          configured = false;
          backend.terminate();
        }
      }
    }
  }

  /**
   * Releases the backend once no call is running (a live call keeps it until it ends). Used when
   * the {@code Parallel} is garbage collected: a call whose iterator is still being read goes on.
   */
  @Override
  public void release() {
    synchronized (lifecycle) {
      closed = true;
      if (!running.get() && configured) {
        configured = false;
        settings.backend().terminate();
      }
    }
  }

  /** Aborts a live call and releases the backend; later calls configure and terminate per call. */
  @Override
  public void close() {
    ResultSource call;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      call = live;
    }
    if (call != null) {
      call.abort();
    }
    synchronized (lifecycle) {
      if (configured) {
        configured = false;
        settings.backend().terminate();
      }
    }
  }

  @Override
  public String toString() {
    return parallel;
  }
}
