/** The {@code multiprocessing} backend: a pool of worker JVMs per {@code Parallel}. */
module org.joblib4j.backend.multiprocessing {
  requires org.joblib4j.api;
  requires org.joblib4j.process;
  requires org.slf4j;
  requires static com.google.auto.service;

  provides org.joblib4j.spi.BackendProvider with
      org.joblib4j.backend.multiprocessing.MultiprocessingBackendProvider;
}
