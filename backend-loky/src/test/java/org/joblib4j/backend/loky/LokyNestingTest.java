package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.PARENT_PID;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Nested calls with loky: a Parallel inside a task. */
@SuppressWarnings("try") // ParallelConfig scopes and captures are opened for their effect
class LokyNestingTest {

  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  /** What a task saw of its nested configuration, and where its nested tasks ran. */
  record Nested(
      long workerPid,
      String backendName,
      int effectiveNJobs,
      int nestingLevel,
      List<Long> innerPids)
      implements Serializable {}

  static Nested nestedPids() {
    Parallel plain = Parallel.builder().build();
    List<Long> inner =
        Parallel.builder()
            .nJobs(2)
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(LokyTestSupport::sleepThenPid, 20L)));
    return new Nested(
        ProcessHandle.current().pid(),
        plain.backendName(),
        plain.effectiveNJobs(),
        plain.nestingLevel(),
        inner);
  }

  // joblib: test_parallel.py::test_nested_backend_context_manager
  @Test
  void nestedCallsRunAsThreadsInTheSameWorker() {
    List<Nested> groups;
    try (ParallelConfig.Scope s = ParallelConfig.parallelBackend("loky", 2)) {
      groups =
          Parallel.builder()
              .nJobs(2)
              .build()
              .run(IntStream.range(0, 10).mapToObj(i -> delayed(LokyNestingTest::nestedPids)));
    }
    assertThat(groups)
        .hasSize(10)
        .allSatisfy(
            g -> {
              assertThat(g.workerPid()).isNotEqualTo(PARENT_PID);
              assertThat(g.backendName()).isEqualTo("threading");
              assertThat(g.effectiveNJobs()).isEqualTo(1);
              assertThat(g.nestingLevel()).isEqualTo(1);
              assertThat(new HashSet<>(g.innerPids())).containsExactly(g.workerPid());
            });
  }

  static List<Integer> nestedLoop(String backend) {
    return Parallel.builder()
        .nJobs(2)
        .backend(backend)
        .build()
        .run(IntStream.range(0, 2).mapToObj(i -> delayed(LokyTestSupport::square, i)));
  }

  static List<Integer> raiseException(String backend) {
    throw new IllegalArgumentException("raised inside a nested call on " + backend);
  }

  static Stream<Arguments> pairs() {
    List<Arguments> args = new ArrayList<>();
    for (String parent : new String[] {"loky", "threading", "sequential"}) {
      for (String child : new String[] {"loky", "threading", "sequential"}) {
        if (parent.equals("loky") || child.equals("loky")) {
          args.add(Arguments.of(parent, child));
        }
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
            Duration.ofSeconds(30),
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .backend(parent)
                    .build()
                    .<List<Integer>>run(
                        IntStream.range(0, 2)
                            .mapToObj(i -> delayed(LokyNestingTest::nestedLoop, child))));
    assertThat(r).containsExactly(List.of(0, 1), List.of(0, 1));
  }

  @Test
  void anErrorFromTheNestPropagates() {
    try (Parallel p = loky(2).build()) {
      List<Task<List<Integer>>> tasks =
          List.of(
              delayed(LokyNestingTest::nestedLoop, "loky"),
              delayed(LokyNestingTest::raiseException, "loky"));
      assertThatThrownBy(
              () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> p.run(tasks)))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("raised inside a nested call on loky");
    }
  }

  static long lokyInsideAThread() {
    List<Long> pids =
        Parallel.builder()
            .backend("loky")
            .nJobs(2)
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(LokyTestSupport::pid)));
    if (new HashSet<>(pids).size() != 1) {
      throw new IllegalStateException("nested loky ran in " + pids);
    }
    return pids.get(0);
  }

  @Test
  void lokyBelowThreadsFallsBackToOneJobWithJoblibsWarning() {
    try (LogCapture log = LogCapture.parallelWarnings()) {
      List<Long> pids =
          Parallel.builder()
              .backend("threading")
              .nJobs(2)
              .build()
              .run(
                  IntStream.range(0, 2).mapToObj(i -> delayed(LokyNestingTest::lokyInsideAThread)));
      // n_jobs=1: the nested tasks ran in the calling thread, in this JVM
      assertThat(pids).containsOnly(PARENT_PID);
      assertThat(log.warnings())
          .isNotEmpty()
          .allMatch(
              w ->
                  w.equals(
                      "Loky-backed parallel loops cannot be nested below threads, setting nJobs=1"));
    }
  }
}
