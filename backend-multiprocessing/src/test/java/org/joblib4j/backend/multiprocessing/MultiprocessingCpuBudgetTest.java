package org.joblib4j.backend.multiprocessing;

import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;

import org.joblib4j.ConfigKeys;
import org.joblib4j.Parallel;
import org.joblib4j.core.engine.CpuBudget;
import org.joblib4j.tck.WorkerCpuBudgetKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code joblib4j.cpu-budget=shared} on the worker JVMs of a multiprocessing call. */
class MultiprocessingCpuBudgetTest extends WorkerCpuBudgetKit {

  @Override
  protected Parallel.Builder parallel(int nJobs) {
    return mp(nJobs);
  }

  @Override
  protected int heldCpus() {
    return CpuBudget.jvm().heldCpus();
  }

  @AfterEach
  void noInnerMaxNumThreads() {
    System.clearProperty(ConfigKeys.INNER_MAX_NUM_THREADS);
  }

  @Test
  void aConfiguredInnerMaxNumThreadsStillDoesNotApplyToMultiprocessing() {
    // as without the budget: multiprocessing derives its limit (joblib has no such parameter there)
    System.setProperty(ConfigKeys.INNER_MAX_NUM_THREADS, "2");

    assertKeptToShare(mp(2).build(), Math.max(Parallel.cpuCount() / 2, 1));
  }
}
