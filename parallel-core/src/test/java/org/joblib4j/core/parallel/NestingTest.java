package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Nested calls. */
@ExtendWith(ThreadingDouble.class)
class NestingTest {

  @AfterEach
  void unregister() {
    Backends.unregister("retrieval");
  }

  static List<Integer> nestedLoop(String backend) {
    return Parallel.builder()
        .nJobs(2)
        .backend(backend)
        .build()
        .run(IntStream.range(0, 2).mapToObj(i -> delayed(TestSupport::square, i)));
  }

  static List<Integer> raiseException(String backend) {
    throw new IllegalArgumentException("raised inside a nested call on " + backend);
  }

  static Stream<Arguments> pairs() {
    List<Arguments> args = new ArrayList<>();
    for (String parent : new String[] {"threading", "sequential"}) {
      for (String child : new String[] {"threading", "sequential"}) {
        args.add(Arguments.of(parent, child));
      }
    }
    return args.stream();
  }

  // joblib: test_parallel.py::test_nested_loop,
  // test_parallel.py::test_nested_loop_with_exception_with_loky
  @ParameterizedTest(name = "nested {0} -> {1}")
  @MethodSource("pairs")
  void nestedLoopsWorkForEveryPair(String parent, String child) {
    List<List<Integer>> r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .backend(parent)
                    .build()
                    .run(
                        IntStream.range(0, 2)
                            .mapToObj(i -> delayed(NestingTest::nestedLoop, child))));
    assertThat(r).containsExactly(List.of(0, 1), List.of(0, 1));
  }

  @Test
  void anErrorFromTheNestPropagates() {
    try (Parallel p = Parallel.builder().nJobs(2).backend("threading").build()) {
      List<Task<List<Integer>>> tasks =
          List.of(
              delayed(NestingTest::nestedLoop, "threading"),
              delayed(NestingTest::raiseException, "threading"));
      assertThatThrownBy(() -> p.run(tasks))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("raised inside a nested call on threading");
    }
  }

  static Object recursiveParallel() {
    return Parallel.builder()
        .build()
        .run(IntStream.range(0, 2).mapToObj(i -> delayed(NestingTest::recursiveParallel)));
  }

  // joblib: test_parallel.py::test_thread_bomb_mitigation
  @Test
  void unboundedRecursionEndsInStackOverflowNotAThreadBomb() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    threads.resetPeakThreadCount();
    int before = threads.getThreadCount();
    // scopes are per thread: open it in the thread that the timeout guard runs the call on
    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    Duration.ofSeconds(30),
                    () -> {
                      try (ParallelConfig.Scope s =
                          ParallelConfig.parallelBackend("threading", 2)) {
                        return recursiveParallel();
                      }
                    }))
        .isInstanceOf(StackOverflowError.class);
    assertThat(threads.getPeakThreadCount() - before).isLessThan(100);
  }

  static List<Long> getNestedPids() {
    Parallel inner = Parallel.builder().build();
    assertThat(inner.backendName()).isEqualTo("threading");
    assertThat(inner.nestingLevel()).isEqualTo(1);
    assertThat(inner.effectiveNJobs()).isEqualTo(1);
    return Parallel.builder()
        .nJobs(2)
        .build()
        .run(IntStream.range(0, 2).mapToObj(i -> delayed(() -> ProcessHandle.current().pid())));
  }

  // joblib: test_parallel.py::test_nested_backend_context_manager
  @Test
  void nestedCallsRunAsThreads() {
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").open()) {
      List<List<Long>> groups =
          Parallel.builder()
              .nJobs(2)
              .build()
              .run(IntStream.range(0, 10).mapToObj(i -> delayed(NestingTest::getNestedPids)));
      assertThat(groups).hasSize(10);
      for (List<Long> g : groups) {
        assertThat(new HashSet<>(g)).containsExactly(ProcessHandle.current().pid());
      }
    }
  }

  @Test
  void nestedCallsUseTheNestedThreadingBackendThreads() {
    Thread caller = Thread.currentThread();
    List<List<Thread>> r =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .build()
            .run(
                IntStream.range(0, 4)
                    .mapToObj(
                        i ->
                            delayed(
                                () ->
                                    Parallel.builder()
                                        .nJobs(2)
                                        .build()
                                        .<Thread>run(
                                            IntStream.range(0, 2)
                                                .mapToObj(j -> delayed(Thread::currentThread))))));
    assertThat(r.stream().flatMap(List::stream)).doesNotContain(caller);
  }

  /** What a task sees: (backend name, nesting level, effective n_jobs, scope level). */
  record Seen(String backend, int level, int effective, Integer scopeLevel) {}

  static Seen seen() {
    Parallel p = Parallel.builder().build();
    Integer scopeLevel;
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").open()) {
      scopeLevel = s.config().nestingLevel();
    }
    return new Seen(p.backendName(), p.nestingLevel(), p.effectiveNJobs(), scopeLevel);
  }

  // joblib: test_parallel.py::test_backend_nesting_level,
  // test_parallel.py::test_nested_backend_in_sequential
  @Test
  void nestingLevelAtTopLevelAndInsideTasks() {
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").open()) {
      assertThat(s.config().nestingLevel()).isIn(null, 0);
      assertThat(Parallel.builder().build().nestingLevel()).isZero();
    }
    // inside the tasks of an explicit threading call
    List<Seen> r =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> delayed(NestingTest::seen)));
    assertThat(r)
        .allSatisfy(
            x -> {
              assertThat(x.level()).isEqualTo(1);
              assertThat(x.scopeLevel()).isEqualTo(1);
              assertThat(x.backend()).isEqualTo("threading");
            });
    // inside the tasks of Parallel() under a threading scope
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(2).open()) {
      List<Seen> r2 =
          Parallel.builder()
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> delayed(NestingTest::seen)));
      assertThat(r2)
          .allSatisfy(
              x -> {
                assertThat(x.level()).isEqualTo(1);
                assertThat(x.scopeLevel()).isEqualTo(1);
              });
    }
  }

  @Test
  void sequentialRunsKeepTheOuterConfig() {
    // outside any scope: the default backend and one job
    List<Seen> r =
        Parallel.builder()
            .nJobs(1)
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(NestingTest::seen)));
    assertThat(r)
        .allSatisfy(
            x -> {
              assertThat(x.backend()).isEqualTo("threading");
              assertThat(x.effective()).isEqualTo(1);
              assertThat(x.level()).isZero();
            });
    for (Integer k : new Integer[] {2, -1, null}) {
      try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(k).open()) {
        int expected = Parallel.effectiveNJobs(k);
        List<Seen> inner =
            Parallel.builder()
                .nJobs(1)
                .build()
                .run(IntStream.range(0, 2).mapToObj(i -> delayed(NestingTest::seen)));
        assertThat(inner)
            .as("n_jobs=%s", k)
            .allSatisfy(
                x -> {
                  assertThat(x.backend()).isEqualTo("threading");
                  assertThat(x.effective()).isEqualTo(expected);
                  assertThat(x.level()).isZero();
                });
      }
    }
  }

  /** joblib's _recursive_backend_info. */
  static List<String> recursiveBackendInfo(int limit) {
    try (Parallel p = Parallel.builder().nJobs(2).build()) {
      List<String> thisLevel = new ArrayList<>(List.of(p.backendName() + "@" + p.nestingLevel()));
      if (limit == 0) {
        return thisLevel;
      }
      List<List<String>> results =
          p.run(List.of(delayed(NestingTest::recursiveBackendInfo, limit - 1)));
      thisLevel.addAll(results.get(0));
      return thisLevel;
    }
  }

  @Test
  void nestedParallelismLimit() {
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(2).open()) {
      assertThat(recursiveBackendInfo(3))
          .containsExactly("threading@0", "threading@1", "sequential@2", "sequential@2");
    }
  }

  static int nestedCall(int i) {
    return Parallel.builder()
        .nJobs(2)
        .build()
        .<Integer>run(List.of(delayed(() -> i), delayed(() -> i)))
        .get(0);
  }

  // joblib: test_parallel.py::test_retrieval_context
  @Test
  void retrievalContextIsEnteredOncePerTopLevelCall() {
    List<RetrievalCountingBackend> created = Collections.synchronizedList(new ArrayList<>());
    Backends.register(
        "retrieval",
        ctx -> {
          RetrievalCountingBackend b = new RetrievalCountingBackend();
          created.add(b);
          return b;
        },
        false);
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("retrieval").open()) {
      List<Integer> r =
          Parallel.builder()
              .nJobs(2)
              .build()
              .run(IntStream.range(0, 5).mapToObj(i -> delayed(NestingTest::nestedCall, i)));
      assertThat(r).containsExactly(0, 1, 2, 3, 4);
    }
    assertThat(created.stream().mapToInt(b -> b.entered.get()).sum()).isEqualTo(1);
    assertThat(created.stream().mapToInt(b -> b.exited.get()).sum()).isEqualTo(1);
    assertThat(
            created.stream().filter(b -> b.configureCalls.get() > 0).collect(Collectors.toList()))
        .hasSize(1);
  }
}
