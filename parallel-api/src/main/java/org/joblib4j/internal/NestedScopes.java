package org.joblib4j.internal;

import java.util.Objects;
import java.util.function.Function;
import org.joblib4j.ParallelConfig;
import org.joblib4j.spi.NestedBackend;

/**
 * Enters a task's nested configuration around the tasks of a batch. The scope is {@link
 * ParallelConfig}'s own (it sets the nesting level, which no public builder method does); the class
 * registers how to open it here, so the public API carries no method that only batches call.
 */
public final class NestedScopes {
  private static volatile Function<NestedBackend, ParallelConfig.Scope> opener;

  private NestedScopes() {}

  /**
   * Registers how nested scopes are opened: called once, by {@link ParallelConfig}'s initializer.
   *
   * @param open opens the scope of a nested backend
   * @throws IllegalStateException if one is registered already
   */
  public static synchronized void register(Function<NestedBackend, ParallelConfig.Scope> open) {
    if (opener != null) {
      throw new IllegalStateException("nested scopes are opened by ParallelConfig alone");
    }
    opener = Objects.requireNonNull(open, "open");
  }

  /**
   * Enters the nested backend's configuration on this thread.
   *
   * @param nested the nested backend
   * @return the scope to close after the tasks
   */
  public static ParallelConfig.Scope enter(NestedBackend nested) {
    Function<NestedBackend, ParallelConfig.Scope> open = opener;
    if (open == null) {
      ParallelConfig.current(); // initializes ParallelConfig, which registers the opener
      open = opener;
    }
    return open.apply(nested);
  }
}
