package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.awaitAllDead;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared pool replaced or shut down under a caller: a kept-open {@code Parallel} moves to the
 * current pool, and a running call finishes on the old pool, which closes once that call has ended.
 */
@SuppressWarnings("try") // ParallelConfig scopes are opened for their effect
class LokyPoolReplacementTest {
  private static final Duration AT_MOST = Duration.ofSeconds(60);

  /**
   * A thread limit no default call derives (cpuCount / 2 for two workers), so it shows in the
   * workers' flags.
   */
  private static final int OTHER_LIMIT = Math.max(Parallel.cpuCount() / 2, 1) + 1;

  @AfterEach
  void shutdown() {
    LokyBackend.shutdown();
  }

  /** What a task saw in its worker JVM. */
  record Seen(int square, long pid, List<String> jvmArgs) implements Serializable {}

  static Seen see(int x) {
    return new Seen(
        x * x,
        ProcessHandle.current().pid(),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  static int squareAfterGate(int port, int x) {
    WorkerGate.pass(port);
    return x * x;
  }

  private static List<Seen> seen(Parallel p, int n) {
    return p.run(IntStream.range(0, n).mapToObj(i -> delayed(LokyPoolReplacementTest::see, i)));
  }

  private static List<Integer> squares(int n) {
    return IntStream.range(0, n).map(i -> i * i).boxed().collect(Collectors.toList());
  }

  private static void assertSquares(List<Seen> seen, int n) {
    assertThat(seen.stream().map(Seen::square).collect(Collectors.toList())).isEqualTo(squares(n));
  }

  private static Set<Long> pids(List<Seen> seen) {
    return seen.stream().map(Seen::pid).collect(Collectors.toSet());
  }

  /** Another caller with other worker options, and the JVM flag its workers get from them. */
  static Stream<Arguments> otherOptions() {
    Function<Integer, List<Seen>> heap =
        n ->
            seen(
                Parallel.builder().backend("loky", Map.of("worker-heap", "96m")).nJobs(2).build(),
                n);
    Function<Integer, List<Seen>> jvmArgs =
        n ->
            seen(
                Parallel.builder()
                    .backend("loky", Map.of("jvm-args", "-Dh.pool=other"))
                    .nJobs(2)
                    .build(),
                n);
    Function<Integer, List<Seen>> threads =
        n -> {
          try (ParallelConfig.Scope s =
              ParallelConfig.builder().backend("loky").innerMaxNumThreads(OTHER_LIMIT).open()) {
            return seen(Parallel.builder().nJobs(2).build(), n);
          }
        };
    return Stream.of(
        Arguments.of("worker-heap", heap, "-Xmx96m"),
        Arguments.of("jvm-args", jvmArgs, "-Dh.pool=other"),
        Arguments.of("innerMaxNumThreads", threads, "-XX:ActiveProcessorCount=" + OTHER_LIMIT));
  }

  @Test
  void aKeptOpenParallelWorksAfterTheSharedPoolWasShutDown() {
    try (Parallel p = loky(2).build()) {
      List<Seen> first = seen(p, 6);
      assertSquares(first, 6);
      LokyBackend.shutdown();
      awaitAllDead(pids(first), AT_MOST);
      List<Seen> second = seen(p, 6);
      assertSquares(second, 6);
      assertThat(pids(second)).doesNotContainAnyElementsOf(pids(first));
    }
  }

  @Test
  void aKeptOpenParallelsScatteredValuesFollowItToTheNewPool() {
    List<double[]> rows = LokySharingTest.rows();
    List<Double> expected =
        IntStream.range(0, 6)
            .mapToObj(i -> LokySharingTest.rowSum(rows, i))
            .collect(Collectors.toList());
    try (Parallel p =
        Parallel.builder()
            .backend("loky", Map.of("scatter", List.of(rows), "auto-scatter", false))
            .nJobs(2)
            .build()) {
      assertThat(
              p.run(
                  IntStream.range(0, 6)
                      .mapToObj(i -> (Task<Double>) () -> LokySharingTest.rowSum(rows, i))))
          .isEqualTo(expected);
      LokyBackend.shutdown();
      assertThat(
              p.run(
                  IntStream.range(0, 6)
                      .mapToObj(i -> (Task<Double>) () -> LokySharingTest.rowSum(rows, i))))
          .isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherOptions")
  void aKeptOpenParallelWorksAfterAnotherCallerReplacedTheSharedPool(
      String option, Function<Integer, List<Seen>> otherCaller, String otherFlag) {
    try (Parallel p = loky(2).build()) {
      List<Seen> first = seen(p, 6);
      assertSquares(first, 6);
      assertThat(first).allSatisfy(s -> assertThat(s.jvmArgs()).doesNotContain(otherFlag));

      List<Seen> other = otherCaller.apply(6);
      assertSquares(other, 6);
      assertThat(other).allSatisfy(s -> assertThat(s.jvmArgs()).contains(otherFlag));
      // the other options replaced the pool: its workers are not the first call's, which are gone
      assertThat(pids(other)).doesNotContainAnyElementsOf(pids(first));
      awaitAllDead(pids(first), AT_MOST);

      List<Seen> second = seen(p, 6);
      assertSquares(second, 6);
      // p runs on workers with its own options again, not on the other caller's
      assertThat(second).allSatisfy(s -> assertThat(s.jvmArgs()).doesNotContain(otherFlag));
      assertThat(pids(second)).doesNotContainAnyElementsOf(pids(other));
    }
  }

  /** The pool a call configured is replaced before the call has started submitting. */
  @Test
  void aCallWhosePoolIsReplacedBetweenConfigureAndItsFirstBatchRunsOnTheCurrentPool()
      throws Exception {
    CountDownLatch configured = new CountDownLatch(1);
    CountDownLatch replaced = new CountDownLatch(1);
    ProgressListener pause =
        new ProgressListener() {
          @Override
          public void onStart(ProgressEvent event) {
            // called after configure, before the call's first batch
            configured.countDown();
            try {
              replaced.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    CompletableFuture<List<Seen>> call =
        CompletableFuture.supplyAsync(() -> seen(loky(2).progress(pause).build(), 6));
    assertThat(configured.await(AT_MOST.toSeconds(), TimeUnit.SECONDS)).isTrue();
    List<Seen> other =
        seen(Parallel.builder().backend("loky", Map.of("worker-heap", "96m")).nJobs(2).build(), 4);
    replaced.countDown();
    List<Seen> result = call.get(AT_MOST.toSeconds(), TimeUnit.SECONDS);
    assertSquares(result, 6);
    assertThat(result).allSatisfy(s -> assertThat(s.jvmArgs()).doesNotContain("-Xmx96m"));
    assertThat(pids(result)).doesNotContainAnyElementsOf(pids(other));
  }

  @Test
  void aRunningCallFinishesOnTheOldPoolWhichClosesOnlyWhenTheCallHasEnded() throws Exception {
    try (WorkerGate gate = new WorkerGate()) {
      int n = 8;
      // one task per batch, four batches sent ahead: the last four are submitted after the
      // replacement, when the first ones pass the gate
      Parallel running = loky(2).batchSize(1).preDispatch(4).build();
      CompletableFuture<List<Integer>> call =
          CompletableFuture.supplyAsync(
              () ->
                  running.run(
                      IntStream.range(0, n)
                          .mapToObj(
                              i ->
                                  delayed(
                                      LokyPoolReplacementTest::squareAfterGate, gate.port(), i))));
      Set<Long> oldWorkers = new HashSet<>(gate.awaitArrivals(2, AT_MOST));
      assertThat(oldWorkers).hasSize(2);

      // another caller's options replace the pool while both old workers run the call's tasks:
      // it gets its own workers at once
      List<Seen> other =
          seen(
              Parallel.builder().backend("loky", Map.of("worker-heap", "96m")).nJobs(2).build(), 4);
      assertSquares(other, 4);
      assertThat(pids(other)).doesNotContainAnyElementsOf(oldWorkers);
      assertThat(new HashSet<>(LokyBackend.workerPids())).isEqualTo(pids(other));
      assertThat(call).isNotDone();
      assertThat(oldWorkers).allMatch(LokyTestSupport::alive);

      gate.open();
      assertThat(call.get(AT_MOST.toSeconds(), TimeUnit.SECONDS)).isEqualTo(squares(n));
      // every task ran on the old pool, which closed once the call had ended
      assertThat(gate.pids()).hasSize(n);
      assertThat(new HashSet<>(gate.pids())).isEqualTo(oldWorkers);
      awaitAllDead(oldWorkers, AT_MOST);
      assertThat(pids(other)).allMatch(LokyTestSupport::alive);
    }
  }
}
