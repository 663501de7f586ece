package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.TaskTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Executor JVMs: an idle one exits and the next task starts another; a stuck task frees its slot.
 */
@Timeout(120)
class DaskLifecycleTest {
  static final Map<String, Object> ONE =
      Map.of("scheduler", "local:1", "worker-idle-timeout", "1s");

  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @AfterAll
  static void stop() {
    DaskClient.connect(ONE).close();
  }

  static long jvmPid(DaskClient c) {
    return ((Number) c.executors().get(0).get("jvm_pid")).longValue();
  }

  @Test
  void anIdleExecutorJvmExitsAndTheNextTaskStartsANewOne() {
    DaskClient c = DaskClient.connect(ONE);
    assertThat(dask(ONE).build().<Integer>run(List.of(delayed(DaskTestSupport::inc, 1))))
        .containsExactly(2);
    long first = jvmPid(c);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !DaskTestSupport.alive(first));
    assertThat(dask(ONE).build().<Long>run(List.of(delayed(DaskTestSupport::pid))))
        .doesNotContain(first);
    assertThat(((Number) c.executors().get(0).get("jvm_starts")).intValue())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void aPrivateLocalClusterRunsWithoutDasksSamplingProfilerUnlessTheDaskConfigAsksForIt() {
    assertThat(dask(ONE).build().<Integer>run(List.of(delayed(DaskTestSupport::inc, 1))))
        .containsExactly(2);
    assertThat(DaskClient.connect(ONE).executors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("profiling")).isEqualTo(false);
              assertThat(e.get("tick_interval")).isEqualTo("1s");
            });
    Map<String, Object> profiled =
        Map.of("scheduler", "local:1", "dask-config", "distributed.worker.profile.enabled=true");
    try {
      assertThat(dask(profiled).build().<Integer>run(List.of(delayed(DaskTestSupport::inc, 1))))
          .containsExactly(2);
      assertThat(DaskClient.connect(profiled).executors())
          .singleElement()
          .satisfies(e -> assertThat(e.get("profiling")).isEqualTo(true));
    } finally {
      DaskClient.connect(profiled).close();
    }
  }

  /** Sleeps until the deadline, ignoring interrupts. */
  static int ignoreInterrupts(long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        // ignored on purpose
      }
    }
    return 0;
  }

  @Test
  void aTaskPastItsTimeoutThatIgnoresTheInterruptFreesItsWorkerSlot() {
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                dask(ONE)
                    .taskTimeout(Duration.ofMillis(300))
                    .build()
                    .run(List.of(delayed(DaskLifecycleTest::ignoreInterrupts, 8_000L))))
        .isInstanceOf(TaskTimeoutException.class);
    DaskTestSupport.assertWithin(Duration.ofSeconds(6), t0);
    // the only worker thread is free again while the stuck Java thread still sleeps
    assertThat(
            dask(ONE)
                .build()
                .<Integer>run(
                    IntStream.range(0, 5).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
        .containsExactly(1, 2, 3, 4, 5);
    DaskTestSupport.assertWithin(Duration.ofSeconds(8), t0);
  }
}
