package com.example.joblib4j.executor;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.support.AutoBatchSizer;
import org.joblib4j.spi.support.AutoBatchingBackend;

/**
 * Runs {@code Parallel} tasks on an {@link ExecutorService} the application owns. Written against
 * parallel-api alone, as any third party's backend would be.
 */
final class ManagedExecutorBackend implements AutoBatchingBackend {
  private final String executorName;
  private final AutoBatchSizer batching =
      new AutoBatchSizer(2_000_000L, 20_000_000L, Integer.MAX_VALUE);

  @Override
  public AutoBatchSizer batchSizer() {
    return batching;
  }

  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
  private ExecutorService pool;

  ManagedExecutorBackend(String executorName) {
    this.executorName = executorName;
  }

  @Override
  public int defaultNJobs() {
    return -1;
  }

  @Override
  public int configure(CallSettings settings) {
    pool = ManagedExecutors.get(executorName);
    int n = effectiveNJobs(settings.nJobs());
    if (pool instanceof ThreadPoolExecutor) {
      // never more workers than the pool has threads
      n = Math.min(n, ((ThreadPoolExecutor) pool).getMaximumPoolSize());
    }
    return n;
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    CompletableFuture<List<Object>> result = new CompletableFuture<>();
    Future<?>[] handle = new Future<?>[1];
    try {
      handle[0] =
          pool.submit(
              () -> {
                try {
                  result.complete(batch.call());
                } catch (BatchTaskException e) {
                  result.completeExceptionally(e);
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                } finally {
                  running.remove(handle[0]);
                }
              });
      running.add(handle[0]);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new IllegalStateException(
              "The executor '" + executorName + "' refused the batch (is it shut down?)", e));
    }
    return result;
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    // the pool is the application's: cancel our work on it, never shut it down
    for (Future<?> f : running.toArray(new Future<?>[0])) {
      f.cancel(true);
    }
    running.clear();
  }

  @Override
  public void terminate() {
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
}
