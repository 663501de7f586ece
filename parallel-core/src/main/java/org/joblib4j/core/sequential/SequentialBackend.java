package org.joblib4j.core.sequential;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.ParallelBackend;

/**
 * joblib's {@code SequentialBackend}: every call runs in the caller's thread, one task after the
 * other. Nested calls keep the configuration of the task's thread unchanged.
 */
public final class SequentialBackend implements ParallelBackend {

  @Override
  public int effectiveNJobs(int nJobs) {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs == 0 in Parallel has no meaning");
    }
    return 1;
  }

  @Override
  public int configure(CallSettings settings) {
    return effectiveNJobs(settings.nJobs());
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    // only reached through a forced dispatch: run in place
    try {
      return CompletableFuture.completedFuture(batch.call());
    } catch (BatchTaskException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public NestedBackend nestedBackend(int nestingLevel) {
    return null;
  }

  @Override
  public boolean supportsTimeout() {
    return false;
  }

  @Override
  public boolean supportsReturnGenerator() {
    return false;
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
