package org.joblib4j.backend.loky;

import org.joblib4j.tck.MemmapWorkerJvmKit;

/** Memory-mapped arrays on {@code loky}: worker JVMs map the caller's file again. */
class LokyMemmapArrayTest extends MemmapWorkerJvmKit {
  @Override
  protected String backendName() {
    return "loky";
  }
}
