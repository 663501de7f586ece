package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.core.engine.CpuBudget;
import org.joblib4j.tck.WorkerCpuBudgetKit;
import org.joblib4j.tck.support.ChildJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Oversubscription control in the workers (thread-limit variables, CPUs, common pool). */
@SuppressWarnings("try") // ParallelConfig scopes and captures are opened for their effect
class LokyThreadLimitsTest {
  /** joblib's MAX_NUM_THREADS_VARS. */
  static final List<String> VARIABLES =
      List.of(
          "OMP_NUM_THREADS",
          "OPENBLAS_NUM_THREADS",
          "MKL_NUM_THREADS",
          "BLIS_NUM_THREADS",
          "VECLIB_MAXIMUM_THREADS",
          "NUMBA_NUM_THREADS",
          "NUMEXPR_NUM_THREADS");

  @BeforeEach
  void freshPool() {
    // the limits are fixed when a worker JVM starts: each case begins without earlier workers
    LokyBackend.shutdown();
  }

  @AfterAll
  static void resetPool() {
    LokyBackend.shutdown();
  }

  /** What a worker sees. */
  static Map<String, String> limits() {
    Map<String, String> seen = new HashMap<>();
    for (String v : VARIABLES) {
      seen.put(v, System.getenv(v));
    }
    seen.put("ENABLE_IPC", System.getenv("ENABLE_IPC"));
    seen.put("availableProcessors", Integer.toString(Runtime.getRuntime().availableProcessors()));
    seen.put("commonPoolParallelism", Integer.toString(ForkJoinPool.getCommonPoolParallelism()));
    seen.put("pid", Long.toString(ProcessHandle.current().pid()));
    return seen;
  }

  static List<Map<String, String>> limitsSeen(Parallel p) {
    return p.run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyThreadLimitsTest::limits)));
  }

  static void assertLimit(List<Map<String, String>> seen, int limit) {
    String want = Integer.toString(limit);
    assertThat(seen)
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.get("pid")).isNotEqualTo(Long.toString(LokyTestSupport.PARENT_PID));
              for (String v : VARIABLES) {
                assertThat(m.get(v)).as(v).isEqualTo(want);
              }
              assertThat(m.get("ENABLE_IPC")).as("ENABLE_IPC").isEqualTo("1");
              assertThat(m.get("availableProcessors"))
                  .as("Runtime.availableProcessors()")
                  .isEqualTo(want);
              assertThat(m.get("commonPoolParallelism"))
                  .as("ForkJoinPool.getCommonPoolParallelism()")
                  .isEqualTo(want);
            });
  }

  // joblib: test_parallel.py::test_parallel_thread_limit,
  // test_parallel.py::test_threadpool_limitation_in_child_loky
  @Test
  void byDefaultEachOfTwoWorkersGetsHalfTheCpus() {
    assertLimit(limitsSeen(loky(2).build()), Math.max(Parallel.cpuCount() / 2, 1));
  }

  @Test
  void innerMaxNumThreadsOneGivesOne() {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("loky").innerMaxNumThreads(1).open()) {
      assertLimit(limitsSeen(Parallel.builder().nJobs(2).build()), 1);
    }
  }

  @Test
  void innerMaxNumThreadsIsAppliedAsGiven() {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("loky").innerMaxNumThreads(2).open()) {
      assertLimit(limitsSeen(Parallel.builder().nJobs(2).build()), 2);
    }
  }

  @Test
  void afterAnInnerMaxNumThreadsScopeAPlainCallGetsTheDefaultLimitAgain() {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("loky").innerMaxNumThreads(2).open()) {
      assertLimit(limitsSeen(Parallel.builder().nJobs(2).build()), 2);
    }
    assertLimit(limitsSeen(loky(2).build()), Math.max(Parallel.cpuCount() / 2, 1));
  }

  @Test
  void threadingDoesNotAcceptInnerMaxNumThreads() {
    assertThatThrownBy(
            () -> {
              try (ParallelConfig.Scope s =
                  ParallelConfig.builder().backend("threading").innerMaxNumThreads(1).open()) {
                Parallel.builder().nJobs(2).build().run(List.of(delayed(LokyTestSupport::pid)));
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ThreadingBackend does not accept setting the innerMaxNumThreads argument.");
  }

  // ------------------------------------------------------------------ the parent's own setting

  /**
   * A parent JVM started with OMP_NUM_THREADS=4: prints what its workers see, without and with
   * innerMaxNumThreads(1).
   */
  public static final class ParentWithOmp {
    public static void main(String[] args) {
      System.out.println("DEFAULT " + omp(Parallel.builder().backend("loky").nJobs(2).build()));
      LokyBackend.shutdown();
      try (ParallelConfig.Scope s =
          ParallelConfig.builder().backend("loky").innerMaxNumThreads(1).open()) {
        System.out.println("EXPLICIT " + omp(Parallel.builder().nJobs(2).build()));
      }
      LokyBackend.shutdown();
    }

    static String omp(Parallel p) {
      List<String> seen =
          p.run(
              IntStream.range(0, 2).mapToObj(i -> delayed(() -> System.getenv("OMP_NUM_THREADS"))));
      return String.join(" ", seen);
    }
  }

  @Test
  void theParentsOwnVariableIsKeptUnlessInnerMaxNumThreadsIsGiven() throws Exception {
    try (ChildJvm parent = ChildJvm.start(ParentWithOmp.class, Map.of("OMP_NUM_THREADS", "4"))) {
      assertThat(parent.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(parent.value("DEFAULT")).as(parent.output()).isEqualTo("4 4");
      assertThat(parent.value("EXPLICIT")).as(parent.output()).isEqualTo("1 1");
    }
  }

  // ------------------------------------------------------------------ the shared CPU budget

  /** {@code joblib4j.cpu-budget=shared}: each worker keeps to its share of the caller's CPUs. */
  @Nested
  class WithTheSharedCpuBudget extends WorkerCpuBudgetKit {
    @Override
    protected Parallel.Builder parallel(int nJobs) {
      return loky(nJobs);
    }

    @Override
    protected int heldCpus() {
      return CpuBudget.jvm().heldCpus();
    }

    @Test
    void anExplicitInnerMaxNumThreadsIsEachWorkersShare() {
      try (ParallelConfig.Scope s =
          ParallelConfig.builder().backend("loky").innerMaxNumThreads(2).open()) {
        assertKeptToShare(Parallel.builder().nJobs(2).build(), 2);
      }
    }
  }
}
