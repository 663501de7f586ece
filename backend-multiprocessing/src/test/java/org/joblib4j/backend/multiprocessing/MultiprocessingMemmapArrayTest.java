package org.joblib4j.backend.multiprocessing;

import org.joblib4j.tck.MemmapWorkerJvmKit;

/** Memory-mapped arrays on {@code multiprocessing}: worker JVMs map the caller's file again. */
class MultiprocessingMemmapArrayTest extends MemmapWorkerJvmKit {
  @Override
  protected String backendName() {
    return "multiprocessing";
  }
}
