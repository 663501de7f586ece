package org.joblib4j.backend.threading;

import org.joblib4j.tck.MemmapCompatibilityKit;

/** Memory-mapped arrays on {@code threading}: tasks use the caller's own array object. */
class ThreadingMemmapArrayTest extends MemmapCompatibilityKit {
  @Override
  protected String backendName() {
    return "threading";
  }
}
