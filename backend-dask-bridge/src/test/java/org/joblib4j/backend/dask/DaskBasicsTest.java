package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.joblib4j.backend.dask.DaskTestSupport.local;

import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.spi.BackendContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Results, errors, batching, cleanup and the error round trip, on a private local cluster of two
 * workers (shared by the test classes that use {@link DaskTestSupport#local}; it ends with the test
 * JVM).
 */
@SuppressWarnings("try") // scopes held open for their effect
@Timeout(120)
class DaskBasicsTest {
  static final Map<String, Object> LOCAL = local();

  @BeforeAll
  static void cluster() {
    DaskTestSupport.requireDask();
    assertThat(DaskClient.connect(LOCAL).workers()).hasSize(2);
  }

  static int failAt3(int i) throws InterruptedException {
    Thread.sleep(50);
    if (i == 3) {
      throw new IllegalArgumentException("task " + i + " refused");
    }
    return i;
  }

  static String random2() {
    return UUID.randomUUID().toString();
  }

  // joblib: test_dask.py::test_simple,
  // test_dask.py::test_parallel_unordered_generator_returns_fastest_first_with_dask
  @Test
  void resultsErrorsAndContinuedUse() {
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("dask", LOCAL).open()) {
      List<Integer> r =
          Parallel.builder()
              .build()
              .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
      assertThat(r).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

      assertThatThrownBy(
              () ->
                  Parallel.builder()
                      .build()
                      .run(
                          IntStream.range(0, 10)
                              .mapToObj(i -> delayed(DaskBasicsTest::failAt3, i))))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("task 3 refused")
          .satisfies(
              e -> {
                // the worker's stack trace, and where it ran
                assertThat(e.getStackTrace()[0].getMethodName()).isEqualTo("failAt3");
                assertThat(DaskTestSupport.origin(e).getMessage())
                    .contains("Task 3 of")
                    .contains("'dask'")
                    .contains("pid ");
                assertThat(DaskTestSupport.origin(e).taskIndex()).isEqualTo(3);
              });

      assertThat(
              Parallel.builder()
                  .build()
                  .<Integer>run(
                      IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

      // never assumed pure: two identical calls are two computations
      List<String> xy =
          Parallel.builder()
              .build()
              .run(IntStream.range(0, 2).mapToObj(i -> delayed(DaskBasicsTest::random2)));
      assertThat(xy.get(0)).isNotEqualTo(xy.get(1));
    }
  }

  static final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    DemoException(int code) {
      super("demo " + code);
      this.code = code;
    }
  }

  static int throwDemo(int code) {
    throw new DemoException(code);
  }

  static int throwChecked(int x) throws java.io.IOException {
    throw new java.io.IOException("checked " + x);
  }

  static Object unserializable(int x) {
    return new Object();
  }

  @Test
  void exceptionsKeepTheirTypeFieldsAndWorkerStackTrace() {
    assertThatThrownBy(
            () -> dask(LOCAL).build().run(List.of(delayed(DaskBasicsTest::throwDemo, 17))))
        .isExactlyInstanceOf(DemoException.class)
        .satisfies(e -> assertThat(((DemoException) e).code).isEqualTo(17))
        .satisfies(e -> assertThat(e.getStackTrace()[0].getMethodName()).isEqualTo("throwDemo"));
    assertThatThrownBy(
            () -> dask(LOCAL).build().run(List.of(delayed(DaskBasicsTest::throwChecked, 5))))
        .isExactlyInstanceOf(TaskFailedException.class)
        .hasCauseExactlyInstanceOf(java.io.IOException.class)
        .hasRootCauseMessage("checked 5");
    assertThatThrownBy(
            () -> dask(LOCAL).build().run(List.of(delayed(DaskBasicsTest::unserializable, 5))))
        .isExactlyInstanceOf(TaskFailedException.class)
        .hasCauseExactlyInstanceOf(NotSerializableException.class);
  }

  @Test
  void aTaskThatCannotBeSerializedFailsInTheCaller() {
    Object notSerializable = new Object();
    assertThatThrownBy(
            () ->
                dask(LOCAL).build().run(List.of((Task<Integer>) () -> notSerializable.hashCode())))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void theBackendAndItsSchedulerCanBeNamedInConfiguration() {
    System.setProperty("joblib4j.backend", "dask");
    System.setProperty("joblib4j.backend.dask.scheduler", "local:2");
    try {
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("dask");
      assertThat(
              p.<Integer>run(IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .containsExactly(1, 2, 3, 4);
    } finally {
      System.clearProperty("joblib4j.backend");
      System.clearProperty("joblib4j.backend.dask.scheduler");
    }
  }

  @Test
  void nJobsDefaultsToEveryWorkerThread() {
    Parallel p = dask(LOCAL).build();
    assertThat(p.nJobs()).isEqualTo(-1);
    assertThat(p.effectiveNJobs()).isEqualTo(2);
  }

  @Test
  void theSidecarAndItsClusterListenOnLoopbackOnly() {
    DaskClient c = DaskClient.connect(LOCAL);
    Set<String> listening =
        DaskTestSupport.listeningAddresses(DaskTestSupport.tree(c.sidecarPid()));
    // scheduler, workers, nannies and their dashboards; executor JVMs listen on nothing
    assertThat(listening).isNotEmpty().allSatisfy(a -> assertThat(a).startsWith("127.0.0.1:"));
  }

  // joblib: test_dask.py::test_dask_backend_uses_autobatching, test_dask.py::test_dask_funcname
  @Test
  void autoBatchingGrowsFromOne() {
    DaskDistributedBackend backend = new DaskDistributedBackend(new BackendContext("dask", LOCAL));
    try (Parallel p = Parallel.builder().backend(backend).build()) {
      assertThat(backend.effectiveBatchSize()).isEqualTo(1);
      List<Object> r = p.run(IntStream.range(0, 10_000).mapToObj(i -> (Task<Object>) () -> null));
      assertThat(r).hasSize(10_000);
      assertThat(backend.effectiveBatchSize()).isGreaterThan(10);
    }
  }

  static int abs(int x) {
    return Math.abs(x);
  }

  @Test
  void batchesAreNamedAfterTheirFunction() {
    List<Task<?>> same =
        IntStream.range(0, 4)
            .mapToObj(i -> delayed(DaskTestSupport::inc, i))
            .collect(Collectors.toList());
    assertThat(BatchNames.repr(new org.joblib4j.spi.Batch(0, same, null)))
        .isEqualTo("batch_of_inc_4_calls");
    List<Task<?>> mixed = new ArrayList<>(same);
    mixed.set(1, delayed(DaskBasicsTest::abs, -1));
    assertThat(BatchNames.repr(new org.joblib4j.spi.Batch(0, mixed, null)))
        .isEqualTo("mixed_batch_of_inc_4_calls");

    dask(LOCAL)
        .batchSize(2)
        .preDispatch("all")
        .build()
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) DaskClient.connect(LOCAL).schedulerState().get("log_keys");
    List<String> ours =
        keys.stream().filter(k -> k.contains("_calls-")).collect(Collectors.toList());
    assertThat(ours)
        .isNotEmpty()
        .anySatisfy(k -> assertThat(k).startsWith("batch_of_inc_2_calls-"));
  }

  @Test
  void daskRecordsNoCallerSourceForTheBridgesSubmissions() {
    assertThat(
            dask(LOCAL)
                .build()
                .run(IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
        .containsExactly(1, 2, 3, 4);
    // Dask read and tokenized the bridge's own source on every submit before (its dashboard's
    // "code" of a computation); with the bridge's frames ignored it records none
    assertThat(DaskClient.connect(LOCAL).schedulerState().get("computation_code"))
        .asList()
        .isNotEmpty()
        .containsOnly("<Code not available>");
  }

  // joblib: test_dask.py::test_parallel_unordered_generator_returns_fastest_first_with_dask,
  // test_dask.py::test_deadlock_with_generator_and_dask
  @Test
  void unorderedGeneratorReturnsFastestFirst() {
    // the slow task first; in completion order it comes last (n_jobs=2: two batches in flight,
    // so the fast ones follow each other on the free worker instead of queueing behind the slow
    // one)
    try (ResultIterator<Integer> it =
        dask(LOCAL)
            .nJobs(2)
            .batchSize(1)
            .returnAs(ReturnAs.GENERATOR_UNORDERED)
            .build()
            .iterate(
                IntStream.range(0, 4)
                    .mapToObj(
                        i -> delayed(DaskTestSupport::sleepThenInc, i, i == 0 ? 1500L : 10L)))) {
      List<Integer> order = new ArrayList<>();
      it.forEachRemaining(order::add);
      assertThat(order).containsExactlyInAnyOrder(1, 2, 3, 4);
      assertThat(order.get(order.size() - 1)).isEqualTo(1);
    }
    try (ResultIterator<Integer> it =
        dask(LOCAL)
            .batchSize(1)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(
                IntStream.range(0, 4)
                    .mapToObj(
                        i -> delayed(DaskTestSupport::sleepThenInc, i, i == 0 ? 300L : 10L)))) {
      List<Integer> order = new ArrayList<>();
      it.forEachRemaining(order::add);
      assertThat(order).containsExactly(1, 2, 3, 4);
    }
  }

  static byte[] large(int i) {
    byte[] b = new byte[1 << 20];
    b[0] = (byte) i;
    return b;
  }

  @Test
  void noDeadlockWithLargeResultsInGenerators() {
    for (ReturnAs mode : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
      for (int nJobs : new int[] {2, -1}) {
        Set<Integer> firsts = new HashSet<>();
        try (ResultIterator<byte[]> it =
            dask(LOCAL)
                .nJobs(nJobs)
                .returnAs(mode)
                .build()
                .iterate(IntStream.range(0, 20).mapToObj(i -> delayed(DaskBasicsTest::large, i)))) {
          it.forEachRemaining(b -> firsts.add((int) b[0]));
        }
        assertThat(firsts).hasSize(20);
      }
    }
  }

  // ------------------------------------------------------------------ cleanup

  // joblib: test_dask.py::test_scheduler_tasks_cleanup
  @Test
  void theSchedulerIsLeftCleanAfterACall() {
    dask(LOCAL).build().run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
    DaskClient c = DaskClient.connect(LOCAL);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              Map<String, Object> st = c.schedulerState();
              assertThat((List<?>) st.get("tasks")).isEmpty();
              assertThat(((Number) st.get("client_futures")).intValue()).isZero();
              assertThat(((Number) st.get("client_keys")).intValue()).isZero();
            });
  }
}
