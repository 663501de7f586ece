/**
 * joblib4j's API: {@code Parallel}, {@code ParallelConfig} and their values for applications; the
 * backend SPI ({@code org.joblib4j.spi}, with its helpers in {@code spi.support}) for backend
 * authors; the observation SPI. The bridge to the engine ({@code org.joblib4j.internal}) is open to
 * joblib4j's own engine and worker-JVM toolkit only.
 */
module org.joblib4j.api {
  requires org.slf4j;

  exports org.joblib4j;
  exports org.joblib4j.spi;
  exports org.joblib4j.spi.support;
  exports org.joblib4j.observation;
  exports org.joblib4j.internal to
      org.joblib4j.core,
      org.joblib4j.process;

  uses org.joblib4j.internal.ParallelEngine;
  uses org.joblib4j.spi.ContextPropagator;
  uses org.joblib4j.observation.ParallelObserver;
}
