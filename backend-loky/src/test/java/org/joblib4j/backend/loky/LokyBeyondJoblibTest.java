package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Outcome;
import org.joblib4j.Parallel;
import org.joblib4j.TaskTimeoutException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.tck.MdcLeakProbe;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The "beyond joblib" features where worker JVMs make the difference. */
class LokyBeyondJoblibTest {

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  /** Task 1 spins for a minute, swallowing interrupts: only killing its JVM stops it. */
  private static long spinsOn1(Integer x) {
    if (x == 1) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < end) {
        Thread.interrupted();
        LockSupport.parkNanos(1_000_000);
      }
    }
    return ProcessHandle.current().pid();
  }

  private static long haltsOn2(Integer x) {
    if (x == 2) {
      Runtime.getRuntime().halt(5);
    }
    return ProcessHandle.current().pid();
  }

  @Test
  void aStuckTaskIsStoppedByKillingItsWorkerAndTheCallFailsNamingIt() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("loky")
                    .nJobs(2)
                    .taskTimeout(Duration.ofMillis(500))
                    .build()
                    .map(LokyBeyondJoblibTest::spinsOn1, upTo(4)))
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessage("Task 1 exceeded its taskTimeout of 0.5 s and was stopped.");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(Parallel.builder().backend("loky").nJobs(2).build().map(x -> x + 1, upTo(3)))
        .containsExactly(1, 2, 3);
  }

  @Test
  void underCollectAStuckTaskTimesOutAndTheOthersFinish() {
    List<Long> before =
        List.copyOf(
            new java.util.TreeSet<>(
                Parallel.builder()
                    .backend("loky")
                    .nJobs(2)
                    .batchSize(1)
                    .build()
                    .map(LokyBeyondJoblibTest::slowPid, upTo(4))));
    List<Outcome<Long>> outcomes =
        Parallel.builder()
            .backend("loky")
            .nJobs(2)
            .taskTimeout(Duration.ofMillis(500))
            .build()
            .runOutcomes(
                upTo(6).stream()
                    .map(i -> delayed(LokyBeyondJoblibTest::spinsOn1, i))
                    .collect(Collectors.toList()));
    assertThat(outcomes.get(1).isTimeout()).isTrue();
    assertThat(outcomes).filteredOn(Outcome::isSuccess).hasSize(5);
    // the worker that ran the stuck task exited (it cannot be stopped otherwise) and was replaced
    assertThat(before).hasSize(2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                before.stream()
                    .anyMatch(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)));
  }

  private static long slowPid(Integer x) {
    LockSupport.parkNanos(50_000_000L);
    return ProcessHandle.current().pid();
  }

  @Test
  void underCollectACrashedWorkerIsItsTasksOutcome() {
    List<Outcome<Long>> outcomes =
        Parallel.builder()
            .backend("loky")
            .nJobs(2)
            .batchSize(1)
            .build()
            .runOutcomes(
                upTo(6).stream()
                    .map(i -> delayed(LokyBeyondJoblibTest::haltsOn2, i))
                    .collect(Collectors.toList()));
    assertThat(outcomes.get(2).failure())
        .isInstanceOf(WorkerTerminatedException.class)
        .hasMessageContaining("The exit codes of the workers are {EXIT(5)}");
    assertThat(outcomes).filteredOn(Outcome::isSuccess).hasSize(5);
  }

  @Test
  void theCallersMdcReachesTasksInWorkerJvms() {
    MDC.put("request", "r-7");
    try {
      List<String> seen =
          Parallel.builder()
              .backend("loky")
              .nJobs(2)
              .build()
              .map(
                  x ->
                      MDC.get("request")
                          + "@"
                          + (ProcessHandle.current().pid()
                              != ProcessHandle.current()
                                  .parent()
                                  .map(ProcessHandle::pid)
                                  .orElse(-1L)),
                  upTo(10));
      assertThat(seen).containsOnly("r-7@true");
    } finally {
      MDC.clear();
    }
  }

  @Test
  void aTasksMdcChangesDoNotReachTheNextTaskOfItsBatchInAWorkerJvm() {
    MDC.put("request", "r-9");
    try {
      List<String> seen =
          Parallel.builder()
              .backend("loky")
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
  void withoutACallerMdcATasksMdcChangesDoNotReachTheNextTaskInAWorkerJvm() {
    List<String> seen =
        Parallel.builder()
            .backend("loky")
            .nJobs(2)
            .batchSize(5)
            .build()
            .map(MdcLeakProbe::readsThenPutsItsTaskKey, upTo(20));
    assertThat(seen).hasSize(20).containsOnly("null/null");
  }

  static long pid(Integer x) {
    return ProcessHandle.current().pid();
  }

  @Test
  void eachTaskEventNamesTheWorkerJvmThatRanIt() {
    List<org.joblib4j.TaskEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.joblib4j.ProgressListener listener =
        new org.joblib4j.ProgressListener() {
          @Override
          public void onTaskCompleted(org.joblib4j.TaskEvent e) {
            events.add(e);
          }
        };
    List<Long> pids =
        Parallel.builder()
            .backend("loky")
            .nJobs(2)
            .batchSize(2)
            .progress(listener)
            .build()
            .map(LokyBeyondJoblibTest::pid, upTo(10));
    assertThat(events).hasSize(10);
    for (org.joblib4j.TaskEvent e : events) {
      assertThat(e.where()).contains("pid " + pids.get((int) e.index()));
      // a worker JVM times its batches, not each task
      assertThat(e.duration()).isEmpty();
    }
  }
}
