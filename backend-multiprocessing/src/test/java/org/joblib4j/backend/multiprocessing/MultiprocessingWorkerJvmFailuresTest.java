package org.joblib4j.backend.multiprocessing;

import org.joblib4j.tck.WorkerJvmFailuresKit;

/** The worker-JVM failures kit on multiprocessing: each call's own pool. */
class MultiprocessingWorkerJvmFailuresTest extends WorkerJvmFailuresKit {
  @Override
  protected String backendName() {
    return "multiprocessing";
  }
}
