package org.joblib4j.backend.dask;

import java.util.Map;
import org.joblib4j.tck.BackendCompatibilityKit;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit on {@code dask}, with a private local cluster of two workers. */
class DaskTckTest extends BackendCompatibilityKit {
  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @Override
  protected String backendName() {
    return "dask";
  }

  @Override
  protected boolean shipsTasks() {
    return true;
  }

  @Override
  protected boolean namesOversizedResults() {
    return true;
  }

  @Override
  protected Map<String, Object> backendParameters() {
    return DaskTestSupport.local();
  }
}
