package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.countFiles;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.joblib4j.backend.dask.DaskTestSupport.local;
import static org.joblib4j.backend.dask.DaskTestSupport.with;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Abort, timeout and early close cancel queued work and interrupt running Java tasks, freeing the
 * worker slots; an explicit n_jobs caps the batches in flight; submit options, JVM deaths and the
 * result filter.
 */
@SuppressWarnings("try") // scopes held open for their effect
@Timeout(120)
class DaskControlTest {
  static final Map<String, Object> LOCAL = local();

  @BeforeAll
  static void cluster() {
    DaskTestSupport.requireDask();
    assertThat(DaskClient.connect(LOCAL).workers()).hasSize(2);
  }

  /** Twenty quick tasks: they need the two worker slots. */
  static void quickCallCompletesWithin(Duration limit) {
    long t0 = System.nanoTime();
    List<Integer> r =
        dask(LOCAL)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 20).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
    assertThat(r).hasSize(20);
    DaskTestSupport.assertWithin(limit, t0);
  }

  @Test
  void closingAGeneratorEarlyInterruptsTheRunningTasksAndFreesTheSlots() {
    Path dir = DaskTestSupport.testDir("cancel");
    try (ResultIterator<String> it =
        dask(LOCAL)
            .batchSize(1)
            .returnAs(ReturnAs.GENERATOR)
            .build()
            .iterate(
                IntStream.range(0, 6)
                    .mapToObj(
                        i -> delayed(DaskTestSupport::markerThenSleep, dir.toString(), 60_000L)))) {
      // both workers run a 60-s task, four more wait
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> countFiles(dir, "started-") == 2);
    }
    // closed: the two running tasks were interrupted in their executor JVMs, the rest never ran
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> countFiles(dir, "interrupted-") == 2);
    quickCallCompletesWithin(Duration.ofSeconds(10));
    assertThat(countFiles(dir, "started-")).isEqualTo(2);
  }

  @Test
  void aTimeoutCancelsAndInterrupts() {
    Path dir = DaskTestSupport.testDir("timeout");
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                dask(LOCAL)
                    .batchSize(1)
                    .timeout(Duration.ofSeconds(2))
                    .build()
                    .run(
                        IntStream.range(0, 4)
                            .mapToObj(
                                i ->
                                    delayed(
                                        DaskTestSupport::markerThenSleep,
                                        dir.toString(),
                                        60_000L))))
        .isInstanceOf(ParallelTimeoutException.class)
        .hasMessageContaining("timeout=2 s on backend 'dask'");
    DaskTestSupport.assertWithin(Duration.ofSeconds(20), t0);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> countFiles(dir, "interrupted-") == 2);
    quickCallCompletesWithin(Duration.ofSeconds(10));
  }

  @Test
  void aFailureAbortsTheOtherRunningTasks() {
    Path dir = DaskTestSupport.testDir("abort");
    assertThatThrownBy(
            () ->
                dask(LOCAL)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 6)
                            .mapToObj(
                                i ->
                                    i == 0
                                        ? delayed(
                                            DaskControlTest::failWhenOthersRun, dir.toString())
                                        : delayed(
                                            DaskTestSupport::markerThenSleep,
                                            dir.toString(),
                                            60_000L))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("planned failure");
    // the sleepers that started were interrupted, not left to sleep for a minute
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                countFiles(dir, "interrupted-") >= 1
                    && countFiles(dir, "interrupted-") == countFiles(dir, "started-"));
    quickCallCompletesWithin(Duration.ofSeconds(10));
  }

  /** Waits (bounded) until another task runs, then fails. */
  static String failWhenOthersRun(String dir) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (countFiles(Path.of(dir), "started-") == 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    throw new IllegalStateException("planned failure");
  }

  // ------------------------------------------------------------------ n_jobs

  @Test
  void anExplicitNJobsCapsTheBatchesInFlight() {
    List<long[]> one =
        dask(LOCAL)
            .nJobs(1)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::interval, 200L)));
    assertThat(maxOverlap(one)).isEqualTo(1);
    List<long[]> two =
        dask(LOCAL)
            .nJobs(2)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 6).mapToObj(i -> delayed(DaskTestSupport::interval, 300L)));
    assertThat(maxOverlap(two)).isEqualTo(2);
  }

  static int maxOverlap(List<long[]> intervals) {
    List<long[]> events = new ArrayList<>();
    for (long[] iv : intervals) {
      events.add(new long[] {iv[0], 1});
      events.add(new long[] {iv[1], -1});
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int cur = 0;
    int max = 0;
    for (long[] e : events) {
      cur += e[1];
      max = Math.max(max, cur);
    }
    return max;
  }

  // ------------------------------------------------------------------ JVM death and retries

  /** Kills its executor JVM the first time (when the marker file is absent), then succeeds. */
  static String haltOnce(String marker) throws IOException {
    Path m = Path.of(marker);
    if (!Files.exists(m)) {
      Files.writeString(m, "halted");
      Runtime.getRuntime().halt(7);
    }
    return "second attempt";
  }

  @Test
  void aDeadExecutorJvmFailsItsTaskAndTheNextTaskGetsANewOne() {
    Path dir = DaskTestSupport.testDir("halt");
    String marker = dir.resolve("m1").toString();
    assertThatThrownBy(
            () -> dask(LOCAL).build().run(List.of(delayed(DaskControlTest::haltOnce, marker))))
        .isInstanceOf(WorkerTerminatedException.class)
        .hasMessageContaining("executor JVM")
        .hasMessageContaining("EXIT(7)");
    assertThat(dask(LOCAL).build().<String>run(List.of(delayed(DaskControlTest::haltOnce, marker))))
        .containsExactly("second attempt");
  }

  @Test
  void retriesArePassedToDask() {
    Path dir = DaskTestSupport.testDir("retries");
    String marker = dir.resolve("m2").toString();
    assertThat(
            dask(with(LOCAL, "retries", 1))
                .build()
                .<String>run(List.of(delayed(DaskControlTest::haltOnce, marker))))
        .containsExactly("second attempt");
  }

  // ------------------------------------------------------------------ result filter

  static AtomicLong counter(int x) {
    return new AtomicLong(x);
  }

  @Test
  void resultsAreReadThroughTheObjectInputFilter() {
    assertThat(
            dask(LOCAL)
                .build()
                .<AtomicLong>run(List.of(delayed(DaskControlTest::counter, 3)))
                .get(0)
                .get())
        .isEqualTo(3);
    assertThatThrownBy(
            () ->
                dask(with(LOCAL, "result-filter", "!java.util.concurrent.atomic.AtomicLong"))
                    .build()
                    .run(List.of(delayed(DaskControlTest::counter, 3))))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining(
            "A result has failed to un-serialize. Please ensure that the objects returned by the"
                + " function are always serializable (failed with java.io.InvalidClassException:"
                + " java.util.concurrent.atomic.AtomicLong; A result or exception from a Dask worker was refused by"
                + " joblib4j.backend.dask.result-filter = !java.util.concurrent.atomic.AtomicLong: class"
                + " java.util.concurrent.atomic.AtomicLong is not accepted");
  }

  // ------------------------------------------------------------------ wait_for_workers_timeout

  @Test
  void noWorkerGivesJoblibsErrors() {
    Map<String, Object> empty = Map.of("scheduler", "local:0");
    try {
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () ->
                  dask(with(empty, "wait_for_workers_timeout", 0.1))
                      .build()
                      .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .isInstanceOf(ParallelTimeoutException.class)
          .hasMessage(
              "DaskDistributedBackend has no worker after 0.1 seconds. Make sure that workers are started and can"
                  + " properly connect to the scheduler and increase the joblib/dask connection timeout with:\n\n"
                  + "ParallelConfig.builder().backend(\"dask\").backendParam(\"wait-for-workers-timeout\", \"10s\")");
      DaskTestSupport.assertWithin(Duration.ofSeconds(30), t0);
      assertThatThrownBy(
              () ->
                  dask(with(empty, "wait_for_workers_timeout", 0))
                      .build()
                      .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("DaskDistributedBackend has no active worker");
    } finally {
      DaskClient.connect(empty).close();
    }
  }
}
