package org.joblib4j.core.parallel;

/** joblib's {@code ParameterizedParallelBackend}: needs a constructor parameter. */
final class ParameterizedParallelBackend extends PoolTestBackend {
  final Object param;

  ParameterizedParallelBackend(Object param) {
    if (param == null) {
      throw new IllegalArgumentException("param should not be None");
    }
    this.param = param;
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
