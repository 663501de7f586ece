/**
 * joblib4j's engine: dispatch, batching, errors, progress and configuration, found by the API
 * through {@code ServiceLoader}. It exports nothing to applications; its engine events are open to
 * the cluster backends that report connections through them.
 */
module org.joblib4j.core {
  requires transitive org.joblib4j.api;
  requires org.slf4j;
  requires java.management;
  requires jdk.management;
  requires jdk.jfr;
  requires static com.google.auto.service;

  exports org.joblib4j.core.events to
      org.joblib4j.backend.dask,
      org.joblib4j.backend.ray;

  uses org.joblib4j.spi.BackendProvider;

  provides org.joblib4j.internal.ParallelEngine with
      org.joblib4j.core.DefaultEngine;
  provides org.joblib4j.spi.BackendProvider with
      org.joblib4j.core.sequential.SequentialBackendProvider;
  provides org.joblib4j.spi.ContextPropagator with
      org.joblib4j.core.engine.CpuShareCarrier;
}
