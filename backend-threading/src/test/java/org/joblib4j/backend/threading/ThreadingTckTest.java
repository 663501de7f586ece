package org.joblib4j.backend.threading;

import org.joblib4j.tck.BackendCompatibilityKit;

/** The compatibility kit on {@code threading}. */
class ThreadingTckTest extends BackendCompatibilityKit {
  @Override
  protected String backendName() {
    return "threading";
  }
}
