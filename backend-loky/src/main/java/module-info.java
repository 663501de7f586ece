/** The {@code loky} backend: a reusable pool of worker JVMs, shared by the calls of this JVM. */
module org.joblib4j.backend.loky {
  requires org.joblib4j.api;
  requires org.joblib4j.process;
  requires org.slf4j;
  requires static com.google.auto.service;

  provides org.joblib4j.spi.BackendProvider with
      org.joblib4j.backend.loky.LokyBackendProvider;
}
