package org.joblib4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.joblib4j.ConfigKeys;
import org.joblib4j.Parallel;
import org.joblib4j.tck.support.CpuProbe;
import org.joblib4j.tck.support.SharedCpuBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared CPU budget ({@code joblib4j.cpu-budget=shared}) on a backend of worker JVMs: each
 * worker keeps to its share of the CPUs, and a call gives its CPUs back however it ends. A
 * backend's test extends it and says how to build its calls.
 */
@ExtendWith(SharedCpuBudget.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class WorkerCpuBudgetKit {
  /** The test JVM's pid: no task may run there. */
  private static final long PARENT_PID = ProcessHandle.current().pid();

  /**
   * A call on the backend under test.
   *
   * @param nJobs its n_jobs
   * @return its builder
   */
  protected abstract Parallel.Builder parallel(int nJobs);

  /**
   * The CPUs the caller's budget holds now ({@code CpuBudget.jvm().heldCpus()}).
   *
   * @return the CPUs held
   */
  protected abstract int heldCpus();

  /**
   * What each worker of a call saw ({@link CpuProbe#look()}).
   *
   * @param p the call
   * @return one map per task
   */
  protected static List<Map<String, String>> seen(Parallel p) {
    return p.run(IntStream.range(0, 4).mapToObj(i -> delayed(CpuProbe::look)));
  }

  /**
   * Checks that each worker of a call of two kept to a share of the CPUs.
   *
   * @param p the call
   * @param share each worker's share
   */
  protected static void assertKeptToShare(Parallel p, int share) {
    CpuProbe.assertKeptToShare(seen(p), share, PARENT_PID);
  }

  @AfterEach
  void nothingIsHeldAfterACall() {
    assertThat(heldCpus()).as("CPUs still held after the test's calls").isZero();
  }

  @Test
  void eachWorkerGetsItsShareAsThreadLimitAndANestedCallThereStaysWithinIt() {
    assertKeptToShare(parallel(2).build(), Math.max(Parallel.cpuCount() / 2, 1));
  }

  @Test
  void withoutTheBudgetANestedCallInAWorkerGetsItsNJobs() {
    System.clearProperty(ConfigKeys.CPU_BUDGET);

    assertThat(seen(parallel(2).build()))
        .allSatisfy(
            m -> {
              assertThat(m.get("budget")).isEqualTo("null");
              assertThat(m.get("nestedWorkers")).isEqualTo(Integer.toString(CpuProbe.NESTED_JOBS));
            });
  }

  @Test
  void aFailedCallGivesItsCpusBack() {
    assertThatThrownBy(
            () ->
                parallel(2)
                    .build()
                    .run(
                        IntStream.range(0, 4)
                            .mapToObj(i -> delayed(WorkerCpuBudgetKit::failOnThree, i))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("task 3 failed");
    assertThat(heldCpus()).isZero();
  }

  static int failOnThree(int i) {
    if (i == 3) {
      throw new IllegalStateException("task 3 failed");
    }
    return i;
  }
}
