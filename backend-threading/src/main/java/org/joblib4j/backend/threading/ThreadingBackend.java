package org.joblib4j.backend.threading;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.support.AutoBatchSizer;
import org.joblib4j.spi.support.AutoBatchingBackend;

/**
 * joblib's {@code ThreadingBackend}: threads in the caller's JVM, borrowed from one process-wide
 * pool ({@link SharedThreads}) at most n_jobs at a time, so a fresh {@code Parallel} starts no
 * thread of its own. Tasks share the caller's memory. On abort, queued batches are dropped and
 * running ones interrupted.
 *
 * <p>Unlike joblib (batch size always 1, where the GIL makes bigger batches pointless), tiny tasks
 * are batched adaptively so that a batch takes 2 to 20 ms: a million no-op tasks then cost about
 * what a raw {@code ExecutorService} costs, while tasks of 2 ms or more still go one by one.
 */
public final class ThreadingBackend implements AutoBatchingBackend {
  /** Batches faster than this grow. */
  static final long MIN_BATCH_NANOS = 2_000_000L;

  /** Batches slower than this shrink. */
  static final long MAX_BATCH_NANOS = 20_000_000L;

  /** How long an idle shared thread lives, so no thread is held forever. */
  static final long KEEP_ALIVE_SECONDS = 2;

  /**
   * A batch of tiny tasks grows at once to the size expected to take this long instead of doubling
   * from 1: 100,000 no-op tasks then need a few round trips, not one per doubling.
   */
  static final long JUMP_BATCH_NANOS = MIN_BATCH_NANOS / 2;

  private final AutoBatchSizer batching =
      new AutoBatchSizer(MIN_BATCH_NANOS, MAX_BATCH_NANOS, Integer.MAX_VALUE, JUMP_BATCH_NANOS);

  @Override
  public AutoBatchSizer batchSizer() {
    return batching;
  }

  private final Set<Running> inFlight = ConcurrentHashMap.newKeySet();
  private final ThreadFactory virtualThreads;

  /** This backend's share of the process-wide threads, {@code null} until configured. */
  private Lanes lanes;

  private java.util.concurrent.Semaphore running;

  /** Creates a backend; it borrows shared threads from the first call that needs more than one. */
  public ThreadingBackend() {
    this(false);
  }

  /**
   * Creates a backend that runs each batch on a new virtual thread (JDK 21+), at most n_jobs at a
   * time: for I/O-bound tasks that wait far more than they compute.
   *
   * @param virtual whether to use virtual threads
   * @throws org.joblib4j.ParallelConfigurationException when virtual threads are asked for on a JVM
   *     older than 21
   */
  public ThreadingBackend(boolean virtual) {
    this.virtualThreads = virtual ? VirtualThreads.factory() : null;
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    int n = effectiveNJobs(settings.nJobs());
    if (n == 1) {
      return 1;
    }
    if (virtualThreads != null) {
      running = new java.util.concurrent.Semaphore(n);
      return n;
    }
    if (lanes == null) {
      lanes = new Lanes();
    }
    lanes.configure(n, Thread.currentThread().getContextClassLoader());
    return n;
  }

  /** A submitted batch: its future and, once running, its thread. */
  private final class Running implements Runnable {
    final Batch batch;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    private Thread thread;

    /** Written under the lock, read without it: the batch asks before every task. */
    private volatile boolean cancelled;

    private volatile boolean stuck;

    Running(Batch batch) {
      this.batch = batch;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (cancelled || future.isDone()) {
          return;
        }
        thread = Thread.currentThread();
      }
      try {
        future.complete(batch.call(this::isCancelled, this::giveUp));
      } catch (BatchTaskException e) {
        future.completeExceptionally(e);
      } catch (Throwable t) {
        future.completeExceptionally(t);
      } finally {
        synchronized (this) {
          thread = null;
          // an interrupt meant for this batch must not leak into the next one
          Thread.interrupted();
        }
        inFlight.remove(this);
        if (stuck) {
          returnThread();
        }
      }
    }

    boolean isCancelled() {
      return cancelled;
    }

    /**
     * A task ignored the interrupt of its task timeout: report the timeout now and lend the pool a
     * thread until this one comes back, so the call and the pool go on without it.
     */
    void giveUp(long taskIndex, RuntimeException timeout) {
      if (future.completeExceptionally(new BatchTaskException(taskIndex, timeout))) {
        inFlight.remove(this);
        borrowThread();
        stuck = true;
      }
    }

    void cancel() {
      synchronized (this) {
        cancelled = true;
        if (thread != null) {
          thread.interrupt();
        }
      }
      future.completeExceptionally(new CancellationException("aborted"));
      inFlight.remove(this);
    }
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    Lanes executor;
    java.util.concurrent.Semaphore permits;
    synchronized (this) {
      executor = lanes;
      permits = running;
    }
    Running task = new Running(batch);
    inFlight.add(task);
    if (virtualThreads != null && permits != null) {
      virtualThreads
          .newThread(
              () -> {
                permits.acquireUninterruptibly();
                try {
                  task.run();
                } finally {
                  permits.release();
                }
              })
          .start();
      return task.future;
    }
    if (executor == null) {
      throw new IllegalStateException("ThreadingBackend.submit before configure");
    }
    executor.execute(task);
    return task.future;
  }

  private synchronized void borrowThread() {
    if (lanes != null) {
      lanes.resize(+1);
    }
  }

  private synchronized void returnThread() {
    if (lanes != null) {
      lanes.resize(-1);
    }
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    // queued batches see the flag and return at once; running ones are interrupted
    for (Running r : inFlight.toArray(new Running[0])) {
      r.cancel();
    }
  }

  @Override
  public synchronized void terminate() {
    // queued batches still run (as after a pool's shutdown); the threads go back to the shared pool
    lanes = null;
    batching.reset();
  }

  @Override
  public boolean supportsSharedMem() {
    return true;
  }

  @Override
  public boolean usesThreads() {
    return true;
  }

  /**
   * Returns how many threads this backend may use at once, for tests and diagnostics.
   *
   * @return the number of threads this backend may use at once, or 0 before it is configured or
   *     after it is terminated
   */
  public synchronized int poolSize() {
    return lanes == null ? 0 : lanes.limit();
  }
}
