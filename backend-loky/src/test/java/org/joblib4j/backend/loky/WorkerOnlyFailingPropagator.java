package org.joblib4j.backend.loky;

import java.io.Serializable;
import org.joblib4j.process.WorkerLauncher;
import org.joblib4j.spi.ContextPropagator;

/**
 * A propagator that fails in worker JVMs only, outside any task: a test arms it for one call (it
 * captures nothing otherwise, so other tests never see it).
 */
public final class WorkerOnlyFailingPropagator implements ContextPropagator {
  static volatile boolean armed;

  @Override
  public Serializable capture() {
    return armed ? "armed" : null;
  }

  @Override
  public Restored restore(Serializable captured) {
    if (WorkerLauncher.currentKind() != null) {
      throw new IllegalStateException("this propagator cannot restore its state in a worker JVM");
    }
    return () -> {};
  }
}
