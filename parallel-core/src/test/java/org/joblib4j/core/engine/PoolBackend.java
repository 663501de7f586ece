package org.joblib4j.core.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;

/**
 * A real, minimal backend for the engine's own tests (the threading backend lives in another
 * module): a fixed pool per configure, flags chosen by the test.
 */
final class PoolBackend implements ParallelBackend {
  final boolean sharedMem;
  final boolean threads;
  final AtomicInteger configures = new AtomicInteger();
  final AtomicInteger terminates = new AtomicInteger();
  final AtomicInteger aborts = new AtomicInteger();
  private ExecutorService pool;

  PoolBackend(boolean sharedMem, boolean threads) {
    this.sharedMem = sharedMem;
    this.threads = threads;
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    configures.incrementAndGet();
    int n = effectiveNJobs(settings.nJobs());
    if (n > 1 && pool == null) {
      pool = Executors.newFixedThreadPool(n);
    }
    return n;
  }

  @Override
  public synchronized CompletableFuture<List<Object>> submit(Batch batch) {
    return CompletableFuture.supplyAsync(batch::callUnchecked, pool);
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    aborts.incrementAndGet();
  }

  @Override
  public synchronized void terminate() {
    terminates.incrementAndGet();
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
  }

  @Override
  public boolean supportsSharedMem() {
    return sharedMem;
  }

  @Override
  public boolean usesThreads() {
    return threads;
  }
}
