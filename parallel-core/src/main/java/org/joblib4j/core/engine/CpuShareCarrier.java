package org.joblib4j.core.engine;

import com.google.auto.service.AutoService;
import java.io.Serializable;
import org.joblib4j.spi.ContextPropagator;

/**
 * Carries each task's CPU share ({@link CpuBudget}) to the pool thread that runs it, with the
 * caller's context: a call made inside the task then knows how many CPUs it may use. Captures
 * nothing unless a budgeted call on threads is starting, so without the budget it costs nothing.
 */
@AutoService(ContextPropagator.class)
public final class CpuShareCarrier implements ContextPropagator {
  /** Used by {@link java.util.ServiceLoader}. */
  public CpuShareCarrier() {}

  @Override
  public Serializable capture() {
    return CpuBudget.shareToCarry();
  }

  @Override
  public Restored restore(Serializable captured) {
    CpuBudget.TaskScope scope = CpuBudget.enterTask((Integer) captured);
    return scope::close;
  }
}
