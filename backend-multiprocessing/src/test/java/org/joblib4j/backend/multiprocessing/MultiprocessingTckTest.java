package org.joblib4j.backend.multiprocessing;

import org.joblib4j.tck.BackendCompatibilityKit;

/** The compatibility kit on {@code multiprocessing}. */
class MultiprocessingTckTest extends BackendCompatibilityKit {
  @Override
  protected String backendName() {
    return "multiprocessing";
  }

  @Override
  protected boolean shipsTasks() {
    return true;
  }

  @Override
  protected boolean namesOversizedResults() {
    return true;
  }
}
