package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A task that keeps killing workers ({@code KilledWorker}), and the sidecar dying mid-call. */
@Timeout(120)
class DaskFailuresTest {
  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  /** Kills the Dask worker process that runs it (the executor JVM's parent). */
  static int killMyWorker(int x) throws InterruptedException {
    ProcessHandle.current().parent().ifPresent(ProcessHandle::destroyForcibly);
    Thread.sleep(30_000);
    return x;
  }

  @Test
  void aTaskThatKeepsKillingWorkersFailsWithKilledWorker() {
    // a private cluster that gives up after the second death (Dask's default allows 3)
    Map<String, Object> o =
        Map.of("scheduler", "local:2", "dask-config", "distributed.scheduler.allowed-failures=1");
    try {
      long t0 = System.nanoTime();
      // alone: with allowed-failures=1, tasks queued on a dying worker become suspects too
      assertThatThrownBy(
              () -> dask(o).build().run(List.of(delayed(DaskFailuresTest::killMyWorker, 0))))
          .isInstanceOf(DaskKilledWorkerException.class)
          .isInstanceOf(org.joblib4j.WorkerTerminatedException.class)
          .hasMessageContaining("task 0")
          .hasMessageContaining(
              "KilledWorker: Attempted to run task batch_of_killMyWorker_1_calls-")
          .hasMessageContaining("different workers");
      DaskTestSupport.assertWithin(Duration.ofSeconds(60), t0);
      // the nannies replaced the killed workers: the cluster goes on
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> DaskClient.connect(o).workers().size() == 2);
      assertThat(
              dask(o)
                  .build()
                  .<Integer>run(
                      IntStream.range(0, 20).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .isEqualTo(IntStream.range(1, 21).boxed().collect(Collectors.toList()));
    } finally {
      DaskClient.connect(o).close();
    }
  }

  @Test
  void theSidecarDyingFailsPendingWorkAtOnceAndTheNextCallStartsAnother() throws Exception {
    Map<String, Object> o = Map.of("scheduler", "local:1");
    DaskClient c = DaskClient.connect(o);
    long sidecar = c.sidecarPid();
    assertThat(DaskTestSupport.alive(sidecar)).isTrue();
    Path dir = DaskTestSupport.testDir("sidecar");
    CompletableFuture<List<String>> call =
        CompletableFuture.supplyAsync(
            () ->
                dask(o)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 3)
                            .mapToObj(
                                i ->
                                    delayed(
                                        DaskTestSupport::markerThenSleep,
                                        dir.toString(),
                                        60_000L))));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> DaskTestSupport.countFiles(dir, "started-") == 1);
    List<Long> jvms = new ArrayList<>();
    c.executors().forEach(e -> jvms.add(((Number) e.get("jvm_pid")).longValue()));
    long t0 = System.nanoTime();
    ProcessHandle.of(sidecar).ifPresent(ProcessHandle::destroyForcibly);
    assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DaskException.class)
        .cause()
        .hasMessageContaining("The Dask sidecar (pid " + sidecar + ") exited");
    DaskTestSupport.assertWithin(Duration.ofSeconds(5), t0);
    assertThat(c.isClosed()).isTrue();
    // its private cluster goes with it, executor JVMs included
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> jvms.stream().noneMatch(DaskTestSupport::alive));
    DaskClient again = DaskClient.connect(o);
    assertThat(again.sidecarPid()).isNotEqualTo(sidecar);
    assertThat(
            dask(o)
                .build()
                .<Integer>run(
                    IntStream.range(0, 5).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
        .containsExactly(1, 2, 3, 4, 5);
    again.close();
  }
}
