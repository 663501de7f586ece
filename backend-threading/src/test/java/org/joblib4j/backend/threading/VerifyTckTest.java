package org.joblib4j.backend.threading;

import org.joblib4j.tck.BackendCompatibilityKit;

/** The compatibility kit on {@code verify}: tasks travel as to a worker JVM. */
class VerifyTckTest extends BackendCompatibilityKit {
  @Override
  protected String backendName() {
    return "verify";
  }

  @Override
  protected boolean shipsTasks() {
    return true;
  }
}
