package org.joblib4j.backend.threading;

import org.joblib4j.tck.MemmapCompatibilityKit;

/**
 * Memory-mapped arrays on {@code verify}: each batch's array goes through the round trip, so its
 * tasks map the file again, as in a worker JVM.
 */
class VerifyMemmapArrayTest extends MemmapCompatibilityKit {
  @Override
  protected String backendName() {
    return "verify";
  }

  @Override
  protected boolean shipsTasks() {
    return true;
  }
}
