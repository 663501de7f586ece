package org.joblib4j.core.parallel;

/** joblib's {@code MyCustomThreadingBackend}: threads, shared memory. */
final class MyCustomThreadingBackend extends PoolTestBackend {
  @Override
  public boolean usesThreads() {
    return true;
  }

  @Override
  public boolean supportsSharedMem() {
    return true;
  }
}
