package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.ConfigKeys;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.core.engine.CpuBudget;
import org.joblib4j.tck.support.CpuProbe;
import org.joblib4j.tck.support.SharedCpuBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code joblib4j.cpu-budget=shared} on threads (threading, verify, sequential): nested calls get
 * the CPUs their parents leave them, and every call gives its CPUs back however it ends.
 */
@ExtendWith(SharedCpuBudget.class)
class SharedCpuBudgetTest {
  private static final int CPUS = Parallel.cpuCount();

  @AfterEach
  void nothingIsHeldAfterACall() {
    assertThat(CpuBudget.jvm().heldCpus()).as("CPUs still held after the test's calls").isZero();
  }

  /** Two tasks of the given outer call, each reporting the workers its own call got. */
  private static List<Integer> nestedWorkers(
      Parallel.Builder outer, Supplier<Parallel.Builder> inner) {
    // a builder per nested call: two tasks must not set one builder's listener at once
    return outer
        .build()
        .run(
            List.<Task<Integer>>of(
                () -> CpuProbe.workersOf(inner.get()), () -> CpuProbe.workersOf(inner.get())));
  }

  private static <T> List<Task<T>> times(int n, Task<T> task) {
    return Collections.nCopies(n, task);
  }

  /** A call of n_jobs=-1 made where this runs; returns how many results it gave. */
  @SafeVarargs
  private static int nestedCall(Task<Integer>... tasks) {
    return Parallel.builder().nJobs(-1).build().run(List.of(tasks)).size();
  }

  private static int blockUntilInterrupted() throws InterruptedException {
    new CountDownLatch(1).await();
    return 0;
  }

  /** Runs one task per CPU with n_jobs=-1. */
  private static <T> List<T> oncePerCpu(Task<T> task) {
    return Parallel.builder().nJobs(-1).build().run(times(CPUS, task));
  }

  @Test
  void withoutTheBudgetANestedCallGetsEveryCpuAsInJoblib() {
    System.clearProperty(ConfigKeys.CPU_BUDGET);

    assertThat(nestedWorkers(Parallel.builder().nJobs(2), () -> Parallel.builder().nJobs(-1)))
        .containsExactly(CPUS, CPUS);
  }

  @Test
  void withoutTheBudgetNestedCallsRunCpuTimesCpuTasksAtOnce() {
    System.clearProperty(ConfigKeys.CPU_BUDGET);
    CountDownLatch allRunning = new CountDownLatch(CPUS * CPUS);
    Task<Integer> innerTask =
        () -> {
          allRunning.countDown();
          return allRunning.await(10, TimeUnit.SECONDS) ? 1 : 0;
        };

    List<Integer> ran =
        oncePerCpu(() -> oncePerCpu(innerTask).stream().mapToInt(Integer::intValue).sum());

    assertThat(ran).as("every inner task ran while all the others did").containsOnly(CPUS);
  }

  @Test
  void insideTheTasksOfACallThatFillsTheCpusANestedCallRunsInTheTasksThread() {
    List<String> threads =
        oncePerCpu(
            () -> {
              String task = Thread.currentThread().getName();
              List<String> inner = oncePerCpu(() -> Thread.currentThread().getName());
              return inner.stream().allMatch(task::equals) ? "same" : task + " " + inner;
            });

    assertThat(threads).containsOnly("same");
  }

  @Test
  void busyThreadsStayAtTheCpuCount() {
    CountDownLatch outerRunning = new CountDownLatch(CPUS);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Task<Integer> innerTask =
        () -> {
          peak.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            return IntStream.range(0, 20_000).map(i -> i % 7).sum();
          } finally {
            running.decrementAndGet();
          }
        };

    oncePerCpu(
        () -> {
          // every outer task holds its thread before any nested call starts
          outerRunning.countDown();
          outerRunning.await(10, TimeUnit.SECONDS);
          return Parallel.builder().nJobs(-1).build().run(times(4 * CPUS, innerTask)).size();
        });

    assertThat(peak.get()).isBetween(1, CPUS);
  }

  @Test
  void aNestedCallGetsItsTasksShareOfTheCpus() {
    Supplier<Parallel.Builder> all = () -> Parallel.builder().nJobs(-1);

    assertThat(nestedWorkers(Parallel.builder().nJobs(2), all))
        .as("two workers: half of the CPUs each")
        .containsExactly(Math.max(CPUS / 2, 1), Math.max(CPUS / 2, 1));
    assertThat(nestedWorkers(Parallel.builder().nJobs(1), all))
        .as("in the caller's thread: every CPU, the task's own thread counted among them")
        .containsExactly(CPUS, CPUS);
    assertThat(
            Parallel.builder()
                .nJobs(2)
                .build()
                .run(
                    List.<Task<Integer>>of(() -> CpuProbe.workersOf(Parallel.builder().nJobs(-1)))))
        .as("one task of a call of two workers: every CPU")
        .containsExactly(CPUS);
  }

  @Test
  void aNestedNJobsAboveTheShareIsCutAndOneBelowItIsKept() {
    assertThat(nestedWorkers(Parallel.builder().nJobs(1), () -> Parallel.builder().nJobs(CPUS + 3)))
        .containsExactly(CPUS, CPUS);
    assertThat(nestedWorkers(Parallel.builder().nJobs(1), () -> Parallel.builder().nJobs(1)))
        .containsExactly(1, 1);
  }

  @Test
  void aCallTwoLevelsDownGetsItsShareOfItsParentsShare() {
    Task<Integer> twoLevels =
        () ->
            nestedWorkers(
                    Parallel.builder().backend("threading").nJobs(2),
                    () -> Parallel.builder().backend("threading").nJobs(-1))
                .get(0);

    assertThat(Parallel.builder().nJobs(1).build().run(List.of(twoLevels)))
        .containsExactly(Math.max(CPUS / 2, 1));
  }

  @Test
  void aSecondTopLevelCallGetsOnlyWhatTheFirstLeftForItsNestedCalls() throws Exception {
    CountDownLatch holding = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    Task<Integer> hold =
        () -> {
          holding.countDown();
          return release.await(30, TimeUnit.SECONDS) ? 1 : 0;
        };
    CompletableFuture<List<Integer>> first =
        Parallel.builder().nJobs(2).build().submit(List.of(hold, hold));
    try {
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(CpuBudget.jvm().heldCpus()).isEqualTo(Math.max(CPUS, 2));

      assertThat(nestedWorkers(Parallel.builder().nJobs(1), () -> Parallel.builder().nJobs(-1)))
          .containsExactly(1, 1);
    } finally {
      release.countDown();
    }
    assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(1, 1);
    assertThat(nestedWorkers(Parallel.builder().nJobs(1), () -> Parallel.builder().nJobs(-1)))
        .as("once the first call gave its CPUs back")
        .containsExactly(CPUS, CPUS);
  }

  @Test
  void aKeptOpenParallelGetsTheWorkersOfEachCallsShare() {
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    try (Parallel kept =
        Parallel.builder()
            .nJobs(-1)
            .progress(
                new ProgressListener() {
                  @Override
                  public void onStart(ProgressEvent event) {
                    seen.add(event.nJobs());
                  }
                })
            .build()) {
      kept.run(List.<Task<Integer>>of(() -> 0, () -> 1));
      Parallel.builder()
          .nJobs(-1)
          .build()
          .run(
              IntStream.range(0, CPUS)
                  .mapToObj(
                      i ->
                          (Task<Integer>)
                              () -> i == 0 ? kept.run(List.<Task<Integer>>of(() -> 0)).size() : 0)
                  .collect(Collectors.toList()));
      kept.run(List.<Task<Integer>>of(() -> 0, () -> 1));
    }

    assertThat(seen).containsExactly(CPUS, 1, CPUS);
  }

  @Test
  void verifyCarriesEachTasksShareThroughItsRoundTrip() {
    assertThat(
            Parallel.builder()
                .backend("verify")
                .nJobs(-1)
                .build()
                .run(times(CPUS, () -> CpuProbe.workersOf(Parallel.builder().nJobs(-1)))))
        .containsOnly(1);
  }

  @Test
  void aSequentialCallHoldsEveryFreeCpuForItsTasksNestedCalls() {
    assertThat(
            nestedWorkers(
                Parallel.builder().backend("sequential"), () -> Parallel.builder().nJobs(-1)))
        .containsExactly(CPUS, CPUS);
    assertThat(
            Parallel.builder()
                .backend("sequential")
                .build()
                .run(List.<Task<Integer>>of(() -> CpuBudget.jvm().heldCpus())))
        .containsExactly(CPUS);
  }

  @Test
  void aNestedFailureGivesTheCpusBack() {
    Task<Integer> failingNested =
        () ->
            nestedCall(
                () -> 1,
                () -> {
                  throw new IllegalStateException("inner boom");
                });

    assertThatThrownBy(
            () -> Parallel.builder().nJobs(2).build().run(List.of(failingNested, failingNested)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("inner boom");
    assertThat(nestedWorkers(Parallel.builder().nJobs(1), () -> Parallel.builder().nJobs(-1)))
        .containsExactly(CPUS, CPUS);
  }

  @Test
  void anOuterFailureThatAbortsARunningNestedCallGivesTheCpusBack() {
    CountDownLatch nestedRunning = new CountDownLatch(1);
    Task<Integer> failsOnceTheOtherIsNested =
        () -> {
          nestedRunning.await(10, TimeUnit.SECONDS);
          throw new IllegalStateException("outer boom");
        };
    Task<Integer> nestedUntilInterrupted =
        () ->
            nestedCall(
                () -> {
                  nestedRunning.countDown();
                  return blockUntilInterrupted();
                });

    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .build()
                    .run(List.of(failsOnceTheOtherIsNested, nestedUntilInterrupted)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("outer boom");
    assertThat(CpuBudget.jvm().heldCpus()).isZero();
  }

  @Test
  void aTimedOutCallGivesTheCpusBack() {
    Task<Integer> never = SharedCpuBudgetTest::blockUntilInterrupted;

    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .timeout(Duration.ofMillis(300))
                    .build()
                    .run(List.of(never, never)))
        .isInstanceOf(ParallelTimeoutException.class);
    assertThat(CpuBudget.jvm().heldCpus()).isZero();
  }

  @Test
  void aGeneratorClosedEarlyGivesTheCpusBack() {
    CountDownLatch release = new CountDownLatch(1);
    Task<Integer> slow = () -> release.await(30, TimeUnit.SECONDS) ? 1 : 0;
    try (ResultIterator<Integer> it =
        Parallel.builder()
            .nJobs(2)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(List.<Task<Integer>>of(() -> 0, slow, slow))) {
      assertThat(it.next()).isZero();
      assertThat(CpuBudget.jvm().heldCpus()).isEqualTo(Math.max(CPUS, 2));
    } finally {
      release.countDown();
    }
    assertThat(CpuBudget.jvm().heldCpus()).isZero();
  }

  @Test
  void aCancelledFutureGivesTheCpusBack() {
    CountDownLatch started = new CountDownLatch(1);
    Task<Integer> blocked =
        () -> {
          started.countDown();
          return blockUntilInterrupted();
        };
    CompletableFuture<List<Integer>> call =
        Parallel.builder().nJobs(2).build().submit(List.of(blocked, blocked));

    await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0);
    assertThat(call.cancel(true)).isTrue();
    assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
    assertThat(CpuBudget.jvm().heldCpus()).isZero();
  }

  @Test
  void anAbandonedGeneratorGivesTheCpusBackWhenCollected() {
    startAndAbandonAGenerator();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return CpuBudget.jvm().heldCpus() == 0;
            });
  }

  private static void startAndAbandonAGenerator() {
    ResultIterator<Integer> it =
        Parallel.builder()
            .nJobs(2)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(List.<Task<Integer>>of(() -> 0, () -> 1, () -> 2));
    assertThat(it.next()).isZero();
    assertThat(CpuBudget.jvm().heldCpus()).isPositive();
  }

  @ParameterizedTest(name = "backend={0}")
  @ValueSource(strings = {"threading", "sequential", "verify"})
  void nJobsZeroFailsAsWithoutTheBudgetAndHoldsNothing(String backend) {
    Parallel zero = Parallel.builder().backend(backend).nJobs(0).build();

    assertThatThrownBy(() -> zero.run(List.<Task<Integer>>of(() -> 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs == 0 in Parallel has no meaning");
    assertThat(CpuBudget.jvm().heldCpus()).isZero();
  }

  @Test
  void aBadBudgetValueFailsWhenTheParallelIsBuilt() {
    System.setProperty(ConfigKeys.CPU_BUDGET, "per-call");

    assertThatThrownBy(() -> Parallel.builder().nJobs(2).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'per-call' for joblib4j.cpu-budget (from system property"
                + " joblib4j.cpu-budget): must be \"off\" (the default) or \"shared\" (one CPU"
                + " budget for every call of the JVM).");
  }
}
