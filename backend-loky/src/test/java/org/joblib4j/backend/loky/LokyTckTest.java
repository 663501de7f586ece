package org.joblib4j.backend.loky;

import org.joblib4j.tck.BackendCompatibilityKit;

/** The compatibility kit on {@code loky}. */
class LokyTckTest extends BackendCompatibilityKit {
  @Override
  protected String backendName() {
    return "loky";
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
