/**
 * The {@code threading} backend (a pool of threads in the caller's JVM) and {@code verify} (runs
 * every task through the serialization a worker JVM would, in threads; it needs {@code
 * parallel-process}).
 */
module org.joblib4j.backend.threading {
  requires org.joblib4j.api;
  requires static org.joblib4j.process;
  requires org.slf4j;
  requires static com.google.auto.service;

  provides org.joblib4j.spi.BackendProvider with
      org.joblib4j.backend.threading.ThreadingBackendProvider,
      org.joblib4j.backend.threading.VerifyingBackendProvider;
}
