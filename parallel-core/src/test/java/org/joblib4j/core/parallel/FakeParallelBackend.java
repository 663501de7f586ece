package org.joblib4j.core.parallel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;

/**
 * joblib's {@code FakeParallelBackend}: pretends to run concurrently (configure returns the
 * requested worker count) while running every batch synchronously inside {@link #submit}.
 */
final class FakeParallelBackend implements ParallelBackend {
  final AtomicInteger submitCalls = new AtomicInteger();

  @Override
  public int configure(CallSettings settings) {
    return effectiveNJobs(settings.nJobs());
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    submitCalls.incrementAndGet();
    try {
      return CompletableFuture.completedFuture(batch.call());
    } catch (BatchTaskException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean usesThreads() {
    return true;
  }

  @Override
  public boolean supportsSharedMem() {
    return true;
  }
}
