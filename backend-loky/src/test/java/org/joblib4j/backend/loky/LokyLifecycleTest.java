package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.awaitAllDead;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;
import static org.joblib4j.backend.loky.LokyTestSupport.warm;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reusable pool's life: reuse, resize, idle workers exit ({@code timeout} rejected), recycling
 * (max-tasks-per-worker, memory-leak protection) and a task's OutOfMemoryError in a small worker
 * heap.
 */
@SuppressWarnings("try") // ParallelConfig scopes and captures are opened for their effect
class LokyLifecycleTest {
  private static final String LEAK_CHECK = "joblib4j.worker.leak-check-ms";

  @BeforeAll
  static void checkLeaksAtEveryBatch() {
    // read when a worker JVM is launched: set before the leak test's pool exists
    System.setProperty(LEAK_CHECK, "0");
  }

  @AfterAll
  static void reset() {
    System.clearProperty(LEAK_CHECK);
    LokyBackend.shutdown();
  }

  static Supplier<Parallel.Builder> lokyWith(int nJobs, Map<String, ?> options) {
    return () -> Parallel.builder().backend("loky", options).nJobs(nJobs);
  }

  // joblib: loky:
  // tests/test_reusable_executor.py::TestResizeExecutor::test_reusable_executor_resize, loky:
  // tests/test_reusable_executor.py::test_kill_after_resize_call
  @Test
  void growingKeepsTheOldWorkersAndShrinkingKeepsSomeOfThem() {
    Set<Long> two = warm(2);
    Set<Long> three = warm(3);
    assertThat(three).hasSize(3).containsAll(two);
    // the same size again: the same workers
    assertThat(warm(3)).isEqualTo(three);
    // shrinking: surplus workers exit, the others stay
    loky(2).build().run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyTestSupport::pid)));
    await("the pool to shrink to 2 workers")
        .atMost(Duration.ofSeconds(10))
        .until(() -> LokyBackend.workerPids().size() == 2);
    Set<Long> after = new HashSet<>(LokyBackend.workerPids());
    assertThat(three).containsAll(after);
    Set<Long> retired = new HashSet<>(three);
    retired.removeAll(after);
    awaitAllDead(retired, Duration.ofSeconds(10));
    assertThat(warm(2)).isEqualTo(after);
  }

  @Test
  void shrinkingKeepsTheWorkersThatRanTheMostTasks() {
    // (n_jobs=1 runs in the caller, as in joblib: two veterans)
    Set<Long> veterans = warm(2);
    // the veterans have loaded and compiled more than any worker started after them
    loky(2).batchSize(1).build().run(IntStream.range(0, 60).mapToObj(i -> delayed(Math::abs, i)));
    Set<Long> four = warm(4);
    assertThat(four).containsAll(veterans);

    loky(2).build().run(IntStream.range(0, 2).mapToObj(i -> delayed(LokyTestSupport::pid)));

    await("the pool to shrink to 2 workers")
        .atMost(Duration.ofSeconds(10))
        .until(() -> LokyBackend.workerPids().size() == 2);
    assertThat(new HashSet<>(LokyBackend.workerPids())).isEqualTo(veterans);
  }

  /** This worker's pid, with whether it has warmed its task path. */
  static String pidAndWarmUp() throws ReflectiveOperationException {
    java.lang.reflect.Method rounds =
        Class.forName("org.joblib4j.process.TaskPathWarmup").getDeclaredMethod("rounds");
    rounds.setAccessible(true);
    return ProcessHandle.current().pid() + ":" + ((int) rounds.invoke(null) > 0);
  }

  @Test
  void anIdleWorkerWarmsItsTaskPathOnce() {
    Set<Long> workers = warm(2);

    // polls more than a second apart leave the workers idle long enough to warm up
    await("both workers to warm their task path")
        .pollInterval(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                new HashSet<>(
                    loky(2)
                        .batchSize(1)
                        .build()
                        .run(
                            IntStream.range(0, 8)
                                .mapToObj(i -> delayed(LokyLifecycleTest::pidAndWarmUp)))),
            seen -> seen.size() == 2 && seen.stream().allMatch(s -> s.endsWith(":true")));
    assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(workers);
  }

  // joblib: loky: tests/test_reusable_executor.py::TestTerminateExecutor::test_shutdown_kill, loky:
  // tests/test_reusable_executor.py::test_kill_workers_on_new_options
  @Test
  void shuttingThePoolDownFailsARunningCallAtOnce(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Set<Long> workers = warm(2);
    java.util.concurrent.CompletableFuture<List<Long>> call =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                loky(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 2)
                            .mapToObj(
                                i ->
                                    delayed(
                                        LokyTestSupport::writePidThenSleep,
                                        dir.toString(),
                                        60_000L))));
    await("a task to start")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !LokyTestSupport.pidFiles(dir.toString()).isEmpty());
    LokyBackend.shutdown();
    Throwable e = catchThrowable(() -> call.get(20, java.util.concurrent.TimeUnit.SECONDS));
    assertThat(e).isInstanceOf(java.util.concurrent.ExecutionException.class);
    awaitAllDead(workers, Duration.ofSeconds(10));
    assertThat(LokyBackend.workerPids()).isEmpty();
    List<Long> next =
        loky(2).build().run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyTestSupport::pid)));
    assertThat(next).hasSize(4).doesNotContainAnyElementsOf(workers);
  }

  // joblib: loky: tests/_test_process_executor.py::ExecutorTest::test_worker_timeout, loky:
  // tests/test_worker_timeout.py::TestTimeoutExecutor::test_worker_timeout_with_slowly_pickling_objects
  @Test
  void idleWorkersExitAfterTheIdleTimeoutAndComeBackOnTheNextCall() {
    Supplier<Parallel.Builder> idle = lokyWith(2, Map.of("idle-worker-timeout", "1s"));
    Set<Long> first = warm(idle, 2);
    awaitAllDead(first, Duration.ofSeconds(15));
    await().atMost(Duration.ofSeconds(5)).until(() -> LokyBackend.workerPids().isEmpty());
    List<Long> second =
        idle.get().build().run(IntStream.range(0, 6).mapToObj(i -> delayed(LokyTestSupport::pid)));
    assertThat(second).hasSize(6).doesNotContainAnyElementsOf(first);
    List<Integer> squares =
        idle.get()
            .build()
            .run(IntStream.range(0, 5).mapToObj(i -> delayed(LokyTestSupport::square, i)));
    assertThat(squares).containsExactly(0, 1, 4, 9, 16);
  }

  static final String TIMEOUT_REJECTED =
      "The 'timeout' parameter is not supported by the LokyBackend. Please use the"
          + " `idle-worker-timeout` parameter instead.";

  @Test
  void theTimeoutBackendOptionIsRejected() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("loky", Map.of("timeout", 3))
                    .nJobs(2)
                    .build()
                    .run(List.of(delayed(LokyTestSupport::pid))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(TIMEOUT_REJECTED);
    assertThatThrownBy(
            () -> {
              try (ParallelConfig.Scope s =
                  ParallelConfig.builder().backend("loky", Map.of("timeout", 3)).open()) {
                Parallel.builder().nJobs(2).build().run(List.of(delayed(LokyTestSupport::pid)));
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(TIMEOUT_REJECTED);
  }

  // ------------------------------------------------------------------ recycling

  @Test
  void maxTasksPerWorkerReplacesAWorkerAfterThatManyTasks() {
    Supplier<Parallel.Builder> recycled = lokyWith(2, Map.of("max-tasks-per-worker", 2));
    List<Long> pids =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                recycled
                    .get()
                    .batchSize(1)
                    .build()
                    .<Long>run(
                        IntStream.range(0, 12)
                            .mapToObj(i -> delayed(LokyTestSupport::sleepThenPid, 10L))));
    assertThat(pids).hasSize(12);
    Map<Long, Long> tasksPerPid =
        pids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    // loky's max_tasks_per_child: a worker completes at most that many tasks, then exits
    assertThat(tasksPerPid.values()).as("tasks per worker: %s", tasksPerPid).allMatch(n -> n <= 2);
    assertThat(tasksPerPid.size()).as("workers used: %s", tasksPerPid).isGreaterThanOrEqualTo(6);
    awaitAllDead(
        tasksPerPid.keySet().stream()
            .filter(p -> tasksPerPid.get(p) == 2)
            .collect(Collectors.toSet()),
        Duration.ofSeconds(10));
  }

  /** Keeps what tasks allocate (a leak), in each worker JVM. */
  static final List<byte[]> LEAKED = new ArrayList<>();

  static long leak(int megabytes) throws InterruptedException {
    synchronized (LEAKED) {
      LEAKED.add(new byte[megabytes << 20]);
    }
    Thread.sleep(5);
    return ProcessHandle.current().pid();
  }

  static long sumThenPid(double[] data) {
    double sum = 0;
    for (double d : data) {
      sum += d;
    }
    // the array is read whole (the worker maps it); the sum only keeps the loop
    return sum < 0 ? -1 : ProcessHandle.current().pid();
  }

  static List<Long> callWithItsOwnArray(Supplier<Parallel.Builder> builder) {
    // 24 MiB: memory-mapped, and more than the leak threshold if a worker kept it past its call
    double[] data = new double[3 << 20];
    java.util.Arrays.fill(data, 1.0);
    return builder
        .get()
        .batchSize(1)
        .build()
        .run(IntStream.range(0, 6).mapToObj(i -> delayed(LokyLifecycleTest::sumThenPid, data)));
  }

  @Test
  void aWorkerLetsACallsMemoryMappedArraysGoWhenTheCallEnds() {
    Supplier<Parallel.Builder> guarded = lokyWith(2, Map.of("memory-leak-threshold", "16M"));
    try (LogCapture log = LogCapture.of("org.joblib4j.process.WorkerPool")) {
      Set<Long> first = new HashSet<>(callWithItsOwnArray(guarded));
      Set<Long> pool = new HashSet<>(LokyBackend.workerPids());
      assertThat(first).isNotEmpty();
      for (int call = 0; call < 3; call++) {
        assertThat(pool).containsAll(callWithItsOwnArray(guarded));
      }
      // a worker that asked to retire did so before the results of its later batches: a last call
      // on both workers has seen every request
      assertThat(
              guarded
                  .get()
                  .batchSize(1)
                  .build()
                  .<Long>run(
                      IntStream.range(0, 6)
                          .mapToObj(i -> delayed(LokyTestSupport::sleepThenPid, 20L))))
          .allMatch(pool::contains);
      assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(pool);
      assertThat(log.warnings()).noneMatch(w -> w.contains("Memory leak detected"));
    }
  }

  // joblib: loky: tests/_test_process_executor.py::ExecutorTest::test_memory_leak_protection
  @Test
  void aWorkerWhoseHeapKeepsGrowingIsRecycledWithAWarning() {
    Supplier<Parallel.Builder> guarded = lokyWith(2, Map.of("memory-leak-threshold", "20M"));
    try (LogCapture log = LogCapture.of("org.joblib4j.process.WorkerPool")) {
      List<Long> pids =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () ->
                  guarded
                      .get()
                      .batchSize(1)
                      .build()
                      .<Long>run(
                          IntStream.range(0, 30)
                              .mapToObj(i -> delayed(LokyLifecycleTest::leak, 5))));
      assertThat(pids).hasSize(30);
      assertThat(new HashSet<>(pids)).as("workers used").hasSizeGreaterThan(2);
      assertThat(pids.get(0)).isNotEqualTo(pids.get(29));
      await("the leak warning")
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(log.warnings()).anyMatch(w -> w.contains("Memory leak detected")));
    }
  }

  static int exhaustHeap(int i) {
    List<long[]> hog = new ArrayList<>();
    while (true) {
      hog.add(new long[1 << 20]);
    }
  }

  @Test
  void anOutOfMemoryErrorReachesTheCallerAndTheWorkerIsReplaced() {
    Supplier<Parallel.Builder> small = lokyWith(2, Map.of("worker-heap", "64m"));
    Set<Long> before = warm(small, 2);
    Throwable e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                catchThrowable(
                    () -> small.get().build().run(List.of((Task<Integer>) () -> exhaustHeap(0)))));
    assertThat(e).isInstanceOf(OutOfMemoryError.class);
    // the worker whose heap was exhausted is replaced
    await("the exhausted worker to exit")
        .atMost(Duration.ofSeconds(10))
        .until(() -> before.stream().anyMatch(p -> !LokyTestSupport.alive(p)));
    Set<Long> gone =
        before.stream().filter(p -> !LokyTestSupport.alive(p)).collect(Collectors.toSet());
    assertThat(gone).hasSize(1);
    List<Integer> squares =
        small
            .get()
            .build()
            .run(IntStream.range(0, 5).mapToObj(i -> delayed(LokyTestSupport::square, i)));
    assertThat(squares).containsExactly(0, 1, 4, 9, 16);
    assertThat(LokyBackend.workerPids()).doesNotContainAnyElementsOf(gone).hasSize(2);
    // reported like any task failure: which task, which backend, which worker
    assertThat(e.getSuppressed())
        .as("suppressed on the OutOfMemoryError")
        .hasAtLeastOneElementOfType(org.joblib4j.TaskOrigin.class);
    assertThat(LokyTestSupport.origin(e).taskIndex()).isZero();
    assertThat(LokyTestSupport.origin(e).backendName()).isEqualTo("loky");
    assertThat(LokyTestSupport.originPid(e)).isIn(gone);
  }
}
