package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.PARENT_PID;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.spi.BackendContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Results, empty input, n_jobs, batching, timeouts and scopes on multiprocessing, an instance as
 * the backend, tasks running in worker JVMs, and the worker JVM options.
 */
class MultiprocessingBasicsTest {

  // joblib: test_parallel.py::test_simple_parallel, test_parallel.py::test_parallel_kwargs
  @ParameterizedTest(name = "n_jobs={0} verbose={1}")
  @CsvSource({"2, 0", "2, 11", "-1, 100"})
  void resultsComeBackInInputOrder(int nJobs, int verbose) {
    // later inputs finish first: completion order must not leak into the list
    List<Integer> r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                mp(nJobs)
                    .verbose(verbose)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 5)
                            .mapToObj(x -> delayed(MpTestSupport::slowSquare, x, (5L - x) * 40))));
    assertThat(r).containsExactly(0, 1, 4, 9, 16);
  }

  @Test
  void argumentsReachTheTasksAndTheyRunInWorkerJvms() {
    try (Parallel p = mp(3).build()) {
      assertThat(p.backendName()).isEqualTo("multiprocessing");
      assertThat(p.effectiveNJobs()).isEqualTo(3);
      List<Integer> r =
          p.run(IntStream.range(0, 10).mapToObj(x -> delayed(MpTestSupport::f, x, 1)));
      assertThat(r)
          .isEqualTo(
              IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList()));
      List<Integer> m = p.map(MpTestSupport::square, List.of(1, 2, 3));
      assertThat(m).containsExactly(1, 4, 9);
      List<Long> pids =
          p.run(IntStream.range(0, 6).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 30L)));
      assertThat(pids).hasSize(6).doesNotContain(PARENT_PID);
      assertThat(new HashSet<>(pids)).hasSizeBetween(1, 3);
    }
  }

  // joblib: test_parallel.py::test_parallel_with_exhausted_iterator
  @Test
  void emptyInputGivesAnEmptyList() {
    assertThat(mp(2).build().<Integer>run(List.of())).isEmpty();
    assertThat(
            mp(2)
                .build()
                .run(IntStream.range(0, 0).mapToObj(i -> delayed(MpTestSupport::square, i))))
        .isEmpty();
  }

  // joblib: test_parallel.py::test_parallel_timeout_success
  @Test
  void aGenerousTimeoutDoesNotFire() {
    List<Long> r =
        mp(2)
            .timeout(Duration.ofSeconds(30))
            .build()
            .run(IntStream.range(0, 10).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 1L)));
    assertThat(r).hasSize(10).doesNotContain(PARENT_PID);
  }

  // joblib: test_parallel.py::test_default_mp_context,
  // test_parallel.py::test_no_blas_crash_or_freeze_with_subprocesses
  @Test
  void aBackendInstanceIsUsedAsIs() {
    MultiprocessingBackend backend =
        new MultiprocessingBackend(new BackendContext("multiprocessing", MpTestSupport.KEEP_IDLE));
    List<Long> pids;
    try (Parallel p = Parallel.builder().backend(backend).nJobs(2).build()) {
      assertThat(p.run(IntStream.range(0, 5).mapToObj(x -> delayed(MpTestSupport::square, x))))
          .containsExactly(0, 1, 4, 9, 16);
      pids = p.run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 20L)));
      // the instance's pool serves the block: the tasks ran on its workers
      assertThat(backend.workerPids()).containsAll(new HashSet<>(pids));
    }
    assertThat(backend.workerPids()).isEmpty();
    MpTestSupport.awaitAllDead(pids);
  }

  /**
   * Starting SLF4J in a fresh worker starts logback, which parses its XML configuration: about 200
   * ms of CPU per worker JVM before the fix, paid by every call's workers although no task logged.
   */
  @Test
  void aWorkerWhoseTasksDoNotLogNeverStartsLoggingAndOneThatLogsDoes() {
    assertThat(
            mp(2)
                .batchSize(1)
                .build()
                .run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::slf4jState))))
        .containsOnly(0);
    assertThat(
            mp(2)
                .batchSize(1)
                .build()
                .run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::logAndSlf4jState))))
        .containsOnly(3);
  }

  @Test
  @SuppressWarnings("unchecked")
  void workerHeapAndJvmArgsReachEachWorker() {
    Map<String, Object> options = Map.of("worker-heap", "64m", "jvm-args", "-Dfoo=bar -Dbaz=qux");
    List<List<Object>> views =
        mp(2, options)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::jvmView)));
    assertThat(views)
        .hasSize(4)
        .allSatisfy(
            v -> {
              assertThat(v.get(0)).isEqualTo("bar");
              assertThat((Long) v.get(1)).isLessThanOrEqualTo(64L * 1024 * 1024);
              assertThat((List<Object>) v.get(2)).contains("-Xmx64m", "-Dfoo=bar", "-Dbaz=qux");
              // each worker's own parallelism is capped at max(cpuCount / nJobs, 1)
              assertThat(v.get(3)).isEqualTo(Math.max(Parallel.cpuCount() / 2, 1));
            });
  }

  /**
   * Before: a list reached the worker's command line as "[-Dfoo=a b, ...]" and the JVM did not
   * start.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aListOfJvmOptionsReachesEachWorkerAsAList() {
    Map<String, Object> options =
        Map.of("worker-jvm-options", List.of("-Dfoo=a b", "-Xss2m"), "max-tasks-per-worker", 5);
    List<List<Object>> views =
        mp(2, options)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(MpTestSupport::jvmView)));
    assertThat(views)
        .hasSize(2)
        .allSatisfy(
            v -> {
              assertThat(v.get(0)).isEqualTo("a b");
              assertThat((List<Object>) v.get(2)).contains("-Dfoo=a b", "-Xss2m");
            });
  }

  // joblib: test_parallel.py::test_backend_context_manager,
  // test_config.py::test_global_parallel_backend
  @Test
  void aConfigScopeSelectsMultiprocessing() {
    try (ParallelConfig.Scope s = ParallelConfig.parallelBackend("multiprocessing", 2)) {
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("multiprocessing");
      assertThat(p.nJobs()).isEqualTo(2);
      assertThat(
              p.run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 5L))))
          .doesNotContain(PARENT_PID);
    }
  }

  // joblib: test_parallel.py::test_dispatch_one_job
  @Test
  void withOneJobTheTasksRunInTheCallersThreadAndNoWorkerStarts() {
    Set<Long> before = MpTestSupport.descendants();
    Thread caller = Thread.currentThread();
    List<Long> pids =
        mp(1)
            .build()
            .run(IntStream.range(0, 3).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 1L)));
    assertThat(pids).containsOnly(PARENT_PID);
    assertThat(Thread.currentThread()).isSameAs(caller);
    assertThat(before).containsAll(MpTestSupport.descendants());
  }

  // joblib: test_parallel.py::test_invalid_njobs
  @Test
  void nJobsZeroIsRejectedWithJoblibsMessage() {
    assertThatThrownBy(
            () ->
                mp(0)
                    .build()
                    .run(IntStream.range(0, 2).mapToObj(i -> delayed(MpTestSupport::square, i))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs == 0 in Parallel has no meaning");
  }

  // joblib: test_parallel.py::test_parallel_thread_limit,
  // test_parallel.py::test_threadpool_limitation_in_child_loky
  @Test
  void multiprocessingDoesNotAcceptInnerMaxNumThreads() {
    assertThatThrownBy(
            () -> ParallelConfig.builder().backend("multiprocessing").innerMaxNumThreads(1).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "MultiprocessingBackend does not accept setting the innerMaxNumThreads argument.");
    assertThat(ParallelConfig.current().backendSet()).isFalse();
  }
}
