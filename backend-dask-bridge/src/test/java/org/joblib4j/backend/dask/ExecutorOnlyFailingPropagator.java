package org.joblib4j.backend.dask;

import java.io.Serializable;
import org.joblib4j.spi.ContextPropagator;

/**
 * A propagator that fails in executor JVMs only, outside any task: the caller arms it for one call
 * (it captures nothing otherwise, so other tests never see it).
 */
public final class ExecutorOnlyFailingPropagator implements ContextPropagator {
  static volatile boolean armed;

  @Override
  public Serializable capture() {
    return armed ? "armed" : null;
  }

  @Override
  public Restored restore(Serializable captured) {
    if (System.getProperty("joblib4j.dask.worker") != null) {
      throw new IllegalStateException(
          "this propagator cannot restore its state in an executor JVM");
    }
    return () -> {};
  }
}
