package org.joblib4j.core.parallel;

/**
 * joblib's {@code MyCustomProcessingBackend}: claims neither threads nor shared memory (it runs its
 * batches on a private pool, which is all a test needs).
 */
final class MyCustomProcessingBackend extends PoolTestBackend {
  @Override
  public boolean usesThreads() {
    return false;
  }

  @Override
  public boolean supportsSharedMem() {
    return false;
  }
}
