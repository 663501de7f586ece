package org.joblib4j.spi;

/**
 * Creates a backend instance for one {@code Parallel} (or one configuration scope). Used by {@link
 * BackendProvider} and by {@code Backends.register(name, factory, makeDefault)}.
 */
@FunctionalInterface
public interface BackendFactory {

  /**
   * Creates a backend. Must be cheap: pools and connections are set up in {@link
   * ParallelBackend#configure}.
   *
   * @param context the backend's parameters
   * @return a new backend
   * @throws IllegalArgumentException if a parameter is invalid (say which, and what is allowed)
   */
  ParallelBackend create(BackendContext context);
}
