package org.joblib4j.backend.loky;

import java.util.Set;
import org.joblib4j.tck.WorkerJvmFailuresKit;

/**
 * The worker-JVM failures kit on loky: after a lost worker, the shared pool is back at its size.
 */
class LokyWorkerJvmFailuresTest extends WorkerJvmFailuresKit {
  @Override
  protected String backendName() {
    return "loky";
  }

  @Override
  protected void assertServesWithout(Set<Long> gone) {
    LokyFailuresTest.assertPoolServesWithout(gone);
  }
}
