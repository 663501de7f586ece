package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.tck.support.StdCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Results, empty input, timeouts, generators, reuse and task output forwarding, on the process-wide
 * pool.
 */
@SuppressWarnings("try") // ParallelConfig scopes and captures are opened for their effect
class LokyBasicsTest {

  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  static int f(int x, int y) {
    return x * x + y;
  }

  static Stream<Arguments> nJobsAndVerbose() {
    List<Arguments> args = new ArrayList<>();
    for (int n : new int[] {1, 2, -1, -2}) {
      for (int v : new int[] {0, 2, 11, 100}) {
        args.add(Arguments.of(n, v));
      }
    }
    return args.stream();
  }

  // joblib: test_parallel.py::test_simple_parallel, test_parallel.py::test_parallel_kwargs
  @ParameterizedTest(name = "n_jobs={0} verbose={1}")
  @MethodSource("nJobsAndVerbose")
  void resultsComeBackInInputOrder(int nJobs, int verbose) {
    try (StdCapture ignored = StdCapture.start()) {
      List<Integer> r =
          Parallel.builder()
              .backend("loky")
              .nJobs(nJobs)
              .verbose(verbose)
              .build()
              .run(IntStream.range(0, 5).mapToObj(x -> delayed(LokyTestSupport::square, x)));
      assertThat(r).containsExactly(0, 1, 4, 9, 16);
    }
  }

  @Test
  void keywordStyleArgumentsReachTheTask() {
    for (int k : new int[] {1, 2, 3}) {
      List<Integer> r =
          loky(k)
              .build()
              .run(IntStream.range(0, 10).mapToObj(x -> delayed(LokyBasicsTest::f, x, 1)));
      assertThat(r)
          .isEqualTo(
              IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList()));
    }
  }

  @Test
  void resultsStayInInputOrderWhenCompletionOrderDiffers() {
    // early tasks sleep longest, so they complete last
    List<Long> r =
        loky(2)
            .batchSize(1)
            .build()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(
                        i ->
                            (Task<Long>)
                                () -> {
                                  Thread.sleep((6 - i) * 30L);
                                  return (long) i;
                                }));
    assertThat(r).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void mapIsTheShorthandOnLoky() {
    assertThat(loky(2).build().map(x -> x * x, List.of(1, 2, 3))).containsExactly(1, 4, 9);
  }

  // joblib: test_parallel.py::test_parallel_with_exhausted_iterator
  @Test
  void emptyInputReturnsAnEmptyList() {
    assertThat(loky(2).build().run(List.<Task<Integer>>of())).isEmpty();
    assertThat(loky(2).build().run(Stream.<Task<Integer>>empty())).isEmpty();
  }

  // joblib: test_parallel.py::test_parallel_timeout_success
  @Test
  void aGenerousTimeoutDoesNotFire() {
    List<Long> r =
        loky(2)
            .timeout(Duration.ofSeconds(30))
            .build()
            .run(IntStream.range(0, 10).mapToObj(i -> delayed(LokyTestSupport::sleepThenPid, 1L)));
    assertThat(r).hasSize(10);
  }

  static Stream<Arguments> generatorModes() {
    List<Arguments> args = new ArrayList<>();
    for (ReturnAs a : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
      for (ReturnAs b : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
        args.add(Arguments.of(a, b));
      }
    }
    return args.stream();
  }

  static double sqrtOfSquare(int i) {
    return Math.sqrt((double) i * i);
  }

  // joblib: test_parallel.py::test_parallel_return_order_with_return_as_generator_parameter,
  // test_parallel.py::test_multiple_generator_call_separated
  @ParameterizedTest(name = "{0} and {1} consumed interleaved")
  @MethodSource("generatorModes")
  void twoGeneratorsCanBeConsumedInterleaved(ReturnAs first, ReturnAs second) {
    Parallel p1 = loky(2).returnAs(first).build();
    Parallel p2 = loky(2).returnAs(second).build();
    List<Double> got1 = new ArrayList<>();
    List<Double> got2 = new ArrayList<>();
    try (ResultIterator<Double> g1 =
            p1.iterate(
                IntStream.range(0, 10).mapToObj(i -> delayed(LokyBasicsTest::sqrtOfSquare, i)));
        ResultIterator<Double> g2 =
            p2.iterate(
                IntStream.range(10, 20).mapToObj(i -> delayed(LokyBasicsTest::sqrtOfSquare, i)))) {
      while (g1.hasNext() || g2.hasNext()) {
        if (g1.hasNext()) {
          got1.add(g1.next());
        }
        if (g2.hasNext()) {
          got2.add(g2.next());
        }
      }
    }
    List<Double> want1 =
        IntStream.range(0, 10).mapToObj(i -> (double) i).collect(Collectors.toList());
    List<Double> want2 =
        IntStream.range(10, 20).mapToObj(i -> (double) i).collect(Collectors.toList());
    if (first == ReturnAs.GENERATOR) {
      assertThat(got1).isEqualTo(want1);
    } else {
      assertThat(got1).containsExactlyInAnyOrderElementsOf(want1);
    }
    if (second == ReturnAs.GENERATOR) {
      assertThat(got2).isEqualTo(want2);
    } else {
      assertThat(got2).containsExactlyInAnyOrderElementsOf(want2);
    }
  }

  static byte[] largeObject(int i) {
    byte[] b = new byte[500_000];
    b[0] = (byte) i;
    return b;
  }

  // joblib: test_parallel.py::test_deadlock_with_generator
  @ParameterizedTest(name = "early close of a {0} with large results")
  @org.junit.jupiter.params.provider.EnumSource(
      value = ReturnAs.class,
      names = {"GENERATOR", "GENERATOR_UNORDERED"})
  void closingAGeneratorEarlyDoesNotDeadlock(ReturnAs mode) {
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          try (Parallel p = loky(2).returnAs(mode).build()) {
            ResultIterator<byte[]> it =
                p.iterate(
                    IntStream.range(0, 10).mapToObj(i -> delayed(LokyBasicsTest::largeObject, i)));
            assertThat(it.next()).hasSize(500_000);
            assertThat(it.next()).hasSize(500_000);
            it.close();
          }
        });
    assertThat(
            loky(2)
                .build()
                .<Integer>run(
                    IntStream.range(0, 5).mapToObj(x -> delayed(LokyTestSupport::square, x))))
        .containsExactly(0, 1, 4, 9, 16);
  }

  // joblib: test_parallel.py::test_parallel_as_context_manager
  @Test
  void aManagedParallelKeepsOnePoolAndStillWorksAfterClose() {
    List<Integer> want =
        IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList());
    Parallel p = loky(2).build();
    List<Long> pidsFirst;
    try (p) {
      assertThat(
              p.<Integer>run(
                  IntStream.range(0, 10).mapToObj(x -> delayed(LokyBasicsTest::f, x, 1))))
          .isEqualTo(want);
      pidsFirst = LokyBackend.workerPids();
      assertThat(
              p.<Integer>run(
                  IntStream.range(0, 10).mapToObj(x -> delayed(LokyBasicsTest::f, x, 1))))
          .isEqualTo(want);
      assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(pidsFirst);
    }
    assertThat(
            p.<Integer>run(IntStream.range(0, 10).mapToObj(x -> delayed(LokyBasicsTest::f, x, 1))))
        .isEqualTo(want);
    // loky's "release" is detaching from the shared pool: its workers stay for the next call
    assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(pidsFirst);
  }

  // joblib: test_parallel.py::test_loky_reuse_workers
  @Test
  void workersAreReusedAcrossCalls() {
    Set<Long> pool = new HashSet<>(LokyBackend.workerPids());
    assertThat(pool).hasSize(2).doesNotContain(LokyTestSupport.PARENT_PID);
    Set<Long> seen = new HashSet<>();
    for (int call = 0; call < 10; call++) {
      List<Long> pids =
          loky(2).build().run(IntStream.range(0, 10).mapToObj(i -> delayed(LokyTestSupport::pid)));
      seen.addAll(pids);
      assertThat(new HashSet<>(LokyBackend.workerPids())).isEqualTo(pool);
    }
    assertThat(pool).containsAll(seen);
  }

  // ------------------------------------------------------------------ output

  static int speak(int i) {
    System.out.println("loky-stdout-line-" + i + " from pid " + ProcessHandle.current().pid());
    System.err.println("loky-stderr-line-" + i);
    return i;
  }

  @Test
  void tasksOutputReachesTheParentsStreams() {
    try (StdCapture std = StdCapture.start()) {
      List<Integer> r =
          loky(2)
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyBasicsTest::speak, i)));
      assertThat(r).containsExactly(0, 1, 2, 3);
      await("task output to be forwarded")
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 4; i++) {
                  assertThat(std.out()).contains("loky-stdout-line-" + i + " from pid ");
                  assertThat(std.err()).contains("loky-stderr-line-" + i + "\n");
                }
              });
      // whole lines, from worker JVMs, never mixed into the other stream
      assertThat(std.out())
          .doesNotContain("loky-stderr-line-")
          .doesNotContain("from pid " + LokyTestSupport.PARENT_PID);
      assertThat(std.err()).doesNotContain("loky-stdout-line-");
    }
  }
}
