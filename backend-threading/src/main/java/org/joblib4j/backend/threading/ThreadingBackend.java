package org.joblib4j.backend.threading;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.AutoBatchSizer;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;

/**
 * joblib's {@code ThreadingBackend}: a pool of threads in the caller's JVM, created lazily when a
 * call needs more than one worker and kept while its {@code Parallel} is reused. Tasks share the
 * caller's memory. On abort, queued batches are dropped and running ones interrupted.
 *
 * <p>Unlike joblib (batch size always 1, where the GIL makes bigger batches pointless), tiny tasks
 * are batched adaptively so that a batch takes 2 to 20 ms: a million no-op tasks then cost about
 * what a raw {@code ExecutorService} costs, while tasks of 2 ms or more still go one by one.
 */
public final class ThreadingBackend implements ParallelBackend {
  /** Batches faster than this grow. */
  static final long MIN_BATCH_NANOS = 2_000_000L;
  /** Batches slower than this shrink. */
  static final long MAX_BATCH_NANOS = 20_000_000L;
  /** How long an idle pool thread lives, so an unclosed {@code Parallel} holds no threads. */
  static final long KEEP_ALIVE_SECONDS = 2;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final AutoBatchSizer batching =
      new AutoBatchSizer(MIN_BATCH_NANOS, MAX_BATCH_NANOS, Integer.MAX_VALUE);
  private final Set<Running> inFlight = ConcurrentHashMap.newKeySet();
  private final ThreadFactory virtualThreads;
  private ThreadPoolExecutor pool;
  private java.util.concurrent.Semaphore running;

  /** Creates a backend; its pool is made by the first call that needs one. */
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
    if (pool == null || pool.isShutdown()) {
      pool = newPool(n);
    } else if (pool.getMaximumPoolSize() != n) {
      if (n > pool.getMaximumPoolSize()) {
        pool.setMaximumPoolSize(n);
        pool.setCorePoolSize(n);
      } else {
        pool.setCorePoolSize(n);
        pool.setMaximumPoolSize(n);
      }
    }
    return n;
  }

  private static ThreadPoolExecutor newPool(int n) {
    int id = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "joblib4j-threading-" + id + "-worker-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(n, n, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** A submitted batch: its future and, once running, its thread. */
  private final class Running implements Runnable {
    final Batch batch;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    private Thread thread;
    private boolean cancelled;
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

    synchronized boolean isCancelled() {
      return cancelled;
    }

    /**
     * A task ignored the interrupt of its task timeout: report the timeout now and lend the pool
     * a thread until this one comes back, so the call and the pool go on without it.
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
    ThreadPoolExecutor executor;
    java.util.concurrent.Semaphore permits;
    synchronized (this) {
      executor = pool;
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
    if (pool != null) {
      pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
      pool.setCorePoolSize(pool.getCorePoolSize() + 1);
    }
  }

  private synchronized void returnThread() {
    if (pool != null && pool.getCorePoolSize() > 1) {
      pool.setCorePoolSize(pool.getCorePoolSize() - 1);
      pool.setMaximumPoolSize(pool.getMaximumPoolSize() - 1);
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
  public int computeBatchSize() {
    return batching.computeBatchSize();
  }

  @Override
  public int computeBatchSize(int max) {
    return batching.computeBatchSize(max);
  }

  @Override
  public void batchCompleted(int batchSize, long durationNanos) {
    batching.batchCompleted(batchSize, durationNanos);
  }

  @Override
  public synchronized void terminate() {
    if (pool != null) {
      pool.shutdown();
      pool = null;
    }
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
   * Returns the pool's current size, for tests and diagnostics.
   *
   * @return the number of threads the pool may use, or 0 when no pool exists
   */
  public synchronized int poolSize() {
    return pool == null ? 0 : pool.getMaximumPoolSize();
  }
}
