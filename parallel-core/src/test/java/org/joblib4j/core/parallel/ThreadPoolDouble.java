package org.joblib4j.core.parallel;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.support.AutoBatchSizer;
import org.joblib4j.spi.support.AutoBatchingBackend;

/**
 * The engine's stand-in for the threading backend (which lives in a module built after this one):
 * n_jobs daemon threads in this JVM, shared memory; on abort, queued batches are dropped and
 * running ones interrupted; a task that ignores its timeout is given up on and its thread replaced,
 * so the call goes on; batches are sized as joblib sizes them. What is the threading backend's own
 * (shared threads, its faster batch sizing, virtual threads) is tested in backend-threading.
 */
final class ThreadPoolDouble implements AutoBatchingBackend {
  private static final AtomicInteger POOLS = new AtomicInteger();

  /**
   * joblib's own auto batching, so the engine's batch-size rules (the max cap) have sizes to act
   * on.
   */
  private final AutoBatchSizer batching = new AutoBatchSizer();

  @Override
  public AutoBatchSizer batchSizer() {
    return batching;
  }

  private final Set<Running> inFlight = ConcurrentHashMap.newKeySet();
  private ThreadPoolExecutor pool;

  @Override
  public synchronized int configure(CallSettings settings) {
    int n = effectiveNJobs(settings.nJobs());
    if (n > 1 && pool == null) {
      String prefix = "thread-pool-double-" + POOLS.incrementAndGet() + "-";
      AtomicInteger ids = new AtomicInteger();
      pool =
          new ThreadPoolExecutor(
              n,
              n,
              0,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, prefix + ids.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return n;
  }

  @Override
  public synchronized CompletableFuture<List<Object>> submit(Batch batch) {
    if (pool == null) {
      throw new IllegalStateException("ThreadPoolDouble.submit before configure");
    }
    Running task = new Running(batch, pool);
    inFlight.add(task);
    pool.execute(task);
    return task.future;
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    for (Running r : inFlight.toArray(new Running[0])) {
      r.cancel();
    }
  }

  @Override
  public synchronized void terminate() {
    // queued batches still run, as after a pool's shutdown
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

  /** A submitted batch: its future and, once running, its thread. */
  private final class Running implements Runnable {
    final Batch batch;
    final ThreadPoolExecutor owner;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    private Thread thread;
    private volatile boolean cancelled;

    Running(Batch batch, ThreadPoolExecutor owner) {
      this.batch = batch;
      this.owner = owner;
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
        future.complete(batch.call(() -> cancelled, this::giveUp));
      } catch (Throwable t) {
        future.completeExceptionally(t);
      } finally {
        synchronized (this) {
          thread = null;
          // an interrupt meant for this batch must not leak into the next one
          Thread.interrupted();
        }
        inFlight.remove(this);
      }
    }

    /** The task ignored its timeout's interrupt: report the timeout, lend the pool a thread. */
    void giveUp(long taskIndex, RuntimeException timeout) {
      if (future.completeExceptionally(new BatchTaskException(taskIndex, timeout))) {
        inFlight.remove(this);
        synchronized (owner) {
          owner.setMaximumPoolSize(owner.getMaximumPoolSize() + 1);
          owner.setCorePoolSize(owner.getCorePoolSize() + 1);
        }
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
}
