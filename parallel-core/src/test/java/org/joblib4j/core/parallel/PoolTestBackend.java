package org.joblib4j.core.parallel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;

/**
 * A small real backend for tests: a fixed pool of daemon threads created by {@link #configure},
 * released by {@link #terminate}, submitting batches exactly as the SPI's documented minimal
 * backend does. It counts the SPI calls it receives so tests can see which instance ran.
 */
abstract class PoolTestBackend implements ParallelBackend {
  final AtomicInteger configureCalls = new AtomicInteger();
  final AtomicInteger submitCalls = new AtomicInteger();
  final AtomicInteger terminateCalls = new AtomicInteger();
  volatile CallSettings lastSettings;
  private ExecutorService pool;

  @Override
  public synchronized int configure(CallSettings settings) {
    configureCalls.incrementAndGet();
    lastSettings = settings;
    int n = effectiveNJobs(settings.nJobs());
    if (n > 1 && pool == null) {
      AtomicInteger ids = new AtomicInteger();
      String prefix = getClass().getSimpleName() + "-worker-";
      pool =
          Executors.newFixedThreadPool(
              n,
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
    submitCalls.incrementAndGet();
    return CompletableFuture.supplyAsync(batch::callUnchecked, pool);
  }

  @Override
  public synchronized void terminate() {
    terminateCalls.incrementAndGet();
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
  }
}
