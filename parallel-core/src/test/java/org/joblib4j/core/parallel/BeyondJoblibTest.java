package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.Outcome;
import org.joblib4j.Parallel;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.TaskFailuresException;
import org.joblib4j.TaskOrigin;
import org.joblib4j.TaskTimeoutException;
import org.joblib4j.tck.MdcLeakProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

/** What joblib's users keep asking for (issue "Beyond joblib"), on threads. */
@ExtendWith(ThreadingDouble.class)
class BeyondJoblibTest {

  private static Integer failOn3And7(Integer x) {
    if (x == 3 || x == 7) {
      throw new IllegalStateException("bad " + x);
    }
    return x * 10;
  }

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  // ------------------------------------------------------------ error policy

  @Test
  void outcomesHoldEveryTasksValueOrFailureInInputOrder() {
    List<Outcome<Integer>> outcomes =
        Parallel.builder()
            .nJobs(2)
            .build()
            .runOutcomes(upTo(10).stream().map(i -> delayed(BeyondJoblibTest::failOn3And7, i)));
    assertThat(outcomes).hasSize(10);
    assertThat(outcomes)
        .extracting(Outcome::index)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(outcomes.get(2).get()).isEqualTo(20);
    assertThat(outcomes.get(3).isSuccess()).isFalse();
    assertThat(outcomes.get(3).failure())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bad 3")
        .satisfies(
            f ->
                assertThat(f.getSuppressed())
                    .anySatisfy(
                        s ->
                            assertThat(s)
                                .isInstanceOf(TaskOrigin.class)
                                .hasMessageStartingWith(
                                    "Task 3 of Parallel(n_jobs=2) failed on backend 'threading'")));
    assertThat(outcomes.get(7).orElse(-1)).isEqualTo(-1);
    assertThatThrownBy(() -> outcomes.get(7).get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bad 7");
  }

  @Test
  void runUnderCollectRunsEveryTaskThenThrowsThemTogether() {
    AtomicInteger ran = new AtomicInteger();
    Parallel p = Parallel.builder().nJobs(2).errorPolicy(ErrorPolicy.COLLECT).build();
    assertThatThrownBy(
            () ->
                p.run(
                    upTo(10).stream()
                        .map(
                            i ->
                                delayed(
                                    x -> {
                                      ran.incrementAndGet();
                                      return failOn3And7(x);
                                    },
                                    i))))
        .isInstanceOf(TaskFailuresException.class)
        .hasMessage(
            "2 of 10 tasks failed: task 3 (java.lang.IllegalStateException: bad 3), task 7 (java.lang.IllegalStateException: bad 7)")
        .satisfies(
            e ->
                assertThat(((TaskFailuresException) e).failures())
                    .extracting(Outcome::index)
                    .containsExactly(3L, 7L));
    assertThat(ran.get()).isEqualTo(10);
    assertThat(p.map(x -> x + 1, List.of(1, 2))).containsExactly(2, 3);
  }

  @Test
  void iteratingOutcomesNeverStopsAtAFailure() {
    List<Object> seen = new ArrayList<>();
    try (ResultIterator<Outcome<Integer>> it =
        Parallel.builder()
            .nJobs(2)
            .returnAs(ReturnAs.GENERATOR_UNORDERED)
            .build()
            .iterateOutcomes(
                upTo(20).stream()
                    .map(i -> delayed(BeyondJoblibTest::failOn3And7, i))
                    .collect(Collectors.toList()))) {
      it.forEachRemaining(o -> seen.add(o.isSuccess() ? (Object) o.get() : (Object) o.index()));
    }
    assertThat(seen).hasSize(20).contains(3L, 7L, 0, 190);
  }

  @Test
  void iteratingValuesUnderCollectThrowsAtEachFailureAndGoesOn() {
    List<Object> seen = new ArrayList<>();
    try (ResultIterator<Integer> it =
        Parallel.builder()
            .nJobs(2)
            .errorPolicy(ErrorPolicy.COLLECT)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(
                upTo(10).stream()
                    .map(i -> delayed(BeyondJoblibTest::failOn3And7, i))
                    .collect(Collectors.toList()))) {
      while (it.hasNext()) {
        try {
          seen.add(it.next());
        } catch (IllegalStateException e) {
          seen.add(e.getMessage());
        }
      }
    }
    assertThat(seen).containsExactly(0, 10, 20, "bad 3", 40, 50, 60, "bad 7", 80, 90);
  }

  // ------------------------------------------------------------ per-task timeout

  private static Integer sleepsOn1(Integer x) throws InterruptedException {
    if (x == 1) {
      Thread.sleep(30_000); // the task itself is slow: the case is its timeout
    }
    return x;
  }

  private static Integer spinsOn1(Integer x) {
    if (x == 1) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < end) {
        Thread.interrupted(); // swallows every interrupt, as stuck code does
        LockSupport.parkNanos(1_000_000);
      }
    }
    return x;
  }

  @Test
  void aTaskOverItsTimeoutFailsTheCallNamingIt() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .taskTimeout(Duration.ofMillis(300))
                    .build()
                    .map(BeyondJoblibTest::sleepsOn1, upTo(4)))
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessage("Task 1 exceeded its taskTimeout of 0.3 s and was stopped.");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void underCollectATimeoutIsThatTasksOutcomeAndTheRestGoesOn() {
    List<Outcome<Integer>> outcomes =
        Parallel.builder()
            .nJobs(2)
            .taskTimeout(Duration.ofMillis(300))
            .build()
            .runOutcomes(
                upTo(6).stream()
                    .map(i -> delayed(BeyondJoblibTest::sleepsOn1, i))
                    .collect(Collectors.toList()));
    assertThat(outcomes.get(1).isTimeout()).isTrue();
    assertThat(outcomes)
        .filteredOn(Outcome::isSuccess)
        .extracting(Outcome::get)
        .containsExactly(0, 2, 3, 4, 5);
  }

  @Test
  void aTaskThatIgnoresItsInterruptIsGivenUpAndItsThreadReplaced() {
    long start = System.nanoTime();
    List<Outcome<Integer>> outcomes =
        Parallel.builder()
            .nJobs(2)
            .taskTimeout(Duration.ofMillis(300))
            .build()
            .runOutcomes(
                upTo(8).stream()
                    .map(i -> delayed(BeyondJoblibTest::spinsOn1, i))
                    .collect(Collectors.toList()));
    assertThat(outcomes.get(1).isTimeout()).isTrue();
    assertThat(outcomes).filteredOn(Outcome::isSuccess).hasSize(7);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  // ------------------------------------------------------------ backpressure and batch cap

  @Test
  void aSlowConsumerPausesDispatch() {
    AtomicInteger read = new AtomicInteger();
    Iterator<Task<Integer>> input =
        IntStream.range(0, 100_000)
            .<Task<Integer>>mapToObj(
                i -> {
                  read.incrementAndGet();
                  return delayed(x -> x, i);
                })
            .iterator();
    Iterable<Task<Integer>> tasks = () -> input;
    try (ResultIterator<Integer> it =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .maxPendingResults(10)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(tasks)) {
      for (int consumed = 1; consumed <= 50; consumed++) {
        assertThat(it.next()).isEqualTo(consumed - 1);
        int done = consumed;
        // let the workers run ahead as far as they may
        await()
            .during(Duration.ofMillis(2))
            .atMost(Duration.ofSeconds(5))
            .until(() -> read.get() - done <= 10);
      }
    }
    assertThat(read.get()).isLessThan(100);
  }

  @Test
  void maxPendingResultsCountsTheTasksStillRunning() throws Exception {
    AtomicLong finished = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicLong peak = new AtomicLong();
    List<Task<Integer>> tasks =
        IntStream.range(0, 5_000)
            .<Task<Integer>>mapToObj(
                i ->
                    () -> {
                      peak.accumulateAndGet(finished.incrementAndGet() - consumed.get(), Math::max);
                      return i;
                    })
            .collect(Collectors.toList());
    CountDownLatch resume = new CountDownLatch(1);
    try (ResultIterator<Integer> it =
        Parallel.builder()
            .nJobs(2)
            .maxPendingResults(100)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(tasks)) {
      CompletableFuture<Long> consumer =
          CompletableFuture.supplyAsync(
              () -> {
                long sum = 0;
                while (it.hasNext()) {
                  if (consumed.get() == 10) {
                    awaitUninterruptibly(resume);
                  }
                  sum += it.next();
                  consumed.incrementAndGet();
                }
                return sum;
              });
      // the consumer is paused: the workers finish what they may, then nothing more runs
      AtomicLong seen = new AtomicLong(-1);
      await()
          .pollInterval(Duration.ofMillis(20))
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                long now = finished.get();
                return seen.getAndSet(now) == now;
              });
      assertThat(finished.get() - consumed.get())
          .as("finished but not consumed while paused")
          .isLessThanOrEqualTo(100);
      resume.countDown();
      assertThat(consumer.get(30, TimeUnit.SECONDS)).isEqualTo(5_000L * 4_999 / 2);
    }
    assertThat(peak.get())
        .as("peak of the finished-but-unconsumed results")
        .isLessThanOrEqualTo(100);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void maxBatchSizeCapsAutoBatching() {
    List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onBatchCompleted(ProgressEvent e) {
            sizes.add(e.lastBatchSize());
          }
        };
    List<Integer> r =
        Parallel.builder()
            .nJobs(2)
            .maxBatchSize(8)
            .progress(listener)
            .build()
            .map(x -> x, upTo(20_000));
    assertThat(r).hasSize(20_000);
    assertThat(sizes).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(8));
    assertThat(sizes).contains(8);
  }

  // ------------------------------------------------------------ context propagation

  @Test
  void theCallersMdcAndPropagatedContextFollowTheTasks() {
    MDC.put("request", "r-42");
    TenantPropagator.TENANT.set("acme");
    try {
      List<String> seen =
          Parallel.builder()
              .nJobs(2)
              .build()
              .map(x -> MDC.get("request") + "/" + TenantPropagator.TENANT.get(), upTo(50));
      assertThat(seen).hasSize(50).containsOnly("r-42/acme");
    } finally {
      MDC.clear();
      TenantPropagator.TENANT.remove();
    }
    List<String> after =
        Parallel.builder()
            .nJobs(2)
            .build()
            .map(x -> MDC.get("request") + "/" + TenantPropagator.TENANT.get(), upTo(20));
    assertThat(after).containsOnly("null/null");
  }

  @Test
  void aTasksMdcChangesDoNotReachTheNextTaskOfItsBatch() {
    MDC.put("request", "r-9");
    try {
      List<String> seen =
          Parallel.builder()
              .nJobs(2)
              .batchSize(5)
              .build()
              .map(MdcLeakProbe::readsThenPutsItsTaskKey, upTo(20));
      assertThat(seen).hasSize(20).containsOnly("null/r-9");
    } finally {
      MDC.clear();
    }
  }

  @Test
  void withoutACallerMdcATasksMdcChangesDoNotReachTheNextTask() {
    List<String> seen =
        Parallel.builder()
            .nJobs(2)
            .batchSize(5)
            .build()
            .map(MdcLeakProbe::readsThenPutsItsTaskKey, upTo(20));
    assertThat(seen).hasSize(20).containsOnly("null/null");
  }

  // ------------------------------------------------------------ cancellation from outside

  @Test
  void interruptingTheWaitingThreadCancelsTheCallPromptly() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                Parallel.builder()
                    .nJobs(2)
                    .build()
                    .map(
                        x -> {
                          started.countDown();
                          try {
                            Thread.sleep(30_000); // a long task: the case is cancelling it
                          } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                            throw e;
                          }
                          return x;
                        },
                        upTo(4));
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    caller.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    caller.interrupt();
    caller.join(10_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(thrown.get()).isInstanceOf(CancellationException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.get() >= 1);
  }

  @Test
  void closingTheIteratorFromAnotherThreadCancelsTheConsumersWait() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    ResultIterator<Integer> it =
        Parallel.builder()
            .nJobs(2)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(
                upTo(4).stream()
                    .map(
                        i ->
                            delayed(
                                x -> {
                                  started.countDown();
                                  Thread.sleep(30_000); // a long task: the case is cancelling it
                                  return x;
                                },
                                i))
                    .collect(Collectors.toList()));
    CompletableFuture<Boolean> consumer = new CompletableFuture<>();
    Thread waiting =
        new Thread(
            () -> {
              try {
                consumer.complete(it.hasNext());
              } catch (Throwable t) {
                consumer.completeExceptionally(t);
              }
            });
    waiting.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    // close only once the consumer really waits for a result (closing first would be another case)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                waiting.getState() == Thread.State.WAITING
                    || waiting.getState() == Thread.State.TIMED_WAITING);
    it.close();
    // a future completed with a CancellationException throws it as it is, not wrapped
    assertThatThrownBy(() -> consumer.get(5, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class)
        .hasMessage("Parallel(n_jobs=2) was cancelled.");
  }

  // ------------------------------------------------------------ virtual threads
}
