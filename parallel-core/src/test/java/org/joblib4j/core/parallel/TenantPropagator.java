package org.joblib4j.core.parallel;

import java.io.Serializable;
import org.joblib4j.spi.ContextPropagator;

/** A request-scoped value, as an application would carry with a {@link ContextPropagator}. */
public final class TenantPropagator implements ContextPropagator {
  static final ThreadLocal<String> TENANT = new ThreadLocal<>();

  @Override
  public Serializable capture() {
    return TENANT.get();
  }

  @Override
  public Restored restore(Serializable captured) {
    String previous = TENANT.get();
    TENANT.set((String) captured);
    return () -> TENANT.set(previous);
  }
}
