package org.joblib4j.core.sequential;

import org.joblib4j.tck.BackendCompatibilityKit;

/** The compatibility kit on {@code sequential}. */
class SequentialTckTest extends BackendCompatibilityKit {
  @Override
  protected String backendName() {
    return "sequential";
  }

  @Override
  protected boolean supportsTimeout() {
    return false;
  }

  @Override
  protected boolean isParallel() {
    return false;
  }
}
