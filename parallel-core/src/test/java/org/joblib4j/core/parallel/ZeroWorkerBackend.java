package org.joblib4j.core.parallel;

import org.joblib4j.spi.CallSettings;

/**
 * joblib's {@code ZeroWorkerBackend}: a thread backend whose configure and effective n_jobs say 0.
 */
final class ZeroWorkerBackend extends PoolTestBackend {
  @Override
  public synchronized int configure(CallSettings settings) {
    configureCalls.incrementAndGet();
    return 0;
  }

  @Override
  public int effectiveNJobs(int nJobs) {
    return 0;
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
