/**
 * joblib4j's engine: dispatch, batching, errors, progress and configuration, found by the API
 * through {@code ServiceLoader}. It exports nothing: applications and backends compile against the
 * API (and backends of worker JVMs against the toolkit) alone.
 */
module org.joblib4j.core {
  requires transitive org.joblib4j.api;
  requires org.slf4j;
  requires java.management;
  requires jdk.management;
  requires jdk.jfr;
  requires static com.google.auto.service;

  uses org.joblib4j.spi.BackendProvider;

  provides org.joblib4j.internal.ParallelEngine with
      org.joblib4j.core.DefaultEngine;
  provides org.joblib4j.spi.BackendProvider with
      org.joblib4j.core.sequential.SequentialBackendProvider;
  provides org.joblib4j.spi.ContextPropagator with
      org.joblib4j.core.engine.CpuShareCarrier;
}
