package org.joblib4j.spi;

import java.io.Serializable;

/**
 * Carries request-scoped state from the thread that starts a {@code Parallel} call to every task of
 * it — on pool threads and in worker JVMs (joblib #1071, #1591). Found with {@link
 * java.util.ServiceLoader} (register with {@code @AutoService(ContextPropagator.class)}); the
 * caller's SLF4J MDC is always carried.
 *
 * <pre>{@code
 * @AutoService(ContextPropagator.class)
 * public final class TenantPropagator implements ContextPropagator {
 *   public Serializable capture() { return Tenant.current(); }
 *   public Restored restore(Serializable captured) {
 *     Tenant previous = Tenant.set((Tenant) captured);
 *     return () -> Tenant.set(previous);
 *   }
 * }
 * }</pre>
 */
public interface ContextPropagator {

  /**
   * Captures the state in the calling thread; the value travels with the tasks.
   *
   * @return the state (serializable, for worker JVMs), or {@code null} for none
   */
  Serializable capture();

  /**
   * Installs captured state in the thread about to run a task; called before every task.
   *
   * @param captured what {@link #capture()} returned (never {@code null})
   * @return what undoes it once the task is done
   */
  Restored restore(Serializable captured);

  /** Undoes a {@link #restore}. */
  @FunctionalInterface
  interface Restored extends AutoCloseable {
    @Override
    void close();
  }
}
