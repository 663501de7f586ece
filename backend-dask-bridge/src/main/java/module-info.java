/**
 * The {@code dask} backend: batches run on a Dask cluster's workers through a Python sidecar and
 * executor JVMs (the bridge).
 */
module org.joblib4j.backend.dask {
  requires org.joblib4j.api;
  requires org.joblib4j.process;
  requires org.slf4j;
  requires com.google.gson;
  requires java.management;
  requires static com.google.auto.service;

  provides org.joblib4j.spi.BackendProvider with
      org.joblib4j.backend.dask.DaskBackendProvider;
}
