/**
 * The worker-JVM toolkit of joblib4j's process and cluster backends: starting and pooling worker
 * JVMs, their wire (frames, batch and result codecs, shared values, memory-mapped arrays) and the
 * worker's side. A backend of worker JVMs of one's own extends its {@code ProcessBackend}.
 */
module org.joblib4j.process {
  requires transitive org.joblib4j.api;
  requires org.slf4j;
  requires jdk.jfr;

  exports org.joblib4j.process;
  exports org.joblib4j.process.events to
      org.joblib4j.backend.dask,
      org.joblib4j.backend.ray;
}
