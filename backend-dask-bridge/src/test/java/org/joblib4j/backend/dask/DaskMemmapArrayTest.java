package org.joblib4j.backend.dask;

import java.util.Map;
import org.joblib4j.tck.MemmapCompatibilityKit;
import org.junit.jupiter.api.BeforeAll;

/**
 * Memory-mapped arrays on {@code dask}'s private local cluster: its executor JVMs run on the
 * caller's host, so each maps the caller's file again, as a worker JVM does.
 */
class DaskMemmapArrayTest extends MemmapCompatibilityKit {
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
  protected boolean runsInWorkerJvms() {
    return true;
  }

  @Override
  protected Map<String, Object> backendParameters() {
    return DaskTestSupport.local();
  }
}
