package org.joblib4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.Outcome;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters of real calls: threads and real worker JVMs, read from a SimpleMeterRegistry. */
class JoblibMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final JoblibMetrics metrics = new JoblibMetrics();

  @BeforeEach
  void bind() {
    metrics.bindTo(registry);
  }

  @AfterEach
  void unbind() {
    metrics.close();
  }

  static Integer square(Integer x) {
    return x * x;
  }

  static Integer failOdd(Integer x) {
    if (x % 2 == 1) {
      throw new IllegalArgumentException("odd " + x);
    }
    return x;
  }

  private double counted(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aThreadingCallIsTimedAndItsTasksCounted() {
    List<Integer> out =
        Parallel.builder()
            .backend("threading")
            .nJobs(2)
            .batchSize(5)
            .preDispatch("all")
            .build()
            .run(IntStream.range(0, 20).mapToObj(i -> delayed(JoblibMetricsTest::square, i)));
    assertThat(out).hasSize(20);

    assertThat(
            registry
                .get("joblib4j.calls")
                .tags("backend", "threading", "outcome", "success")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(counted("joblib4j.tasks.completed", "backend", "threading")).isEqualTo(20);
    assertThat(
            registry
                .get("joblib4j.batches")
                .tags("backend", "threading", "outcome", "success")
                .timer()
                .count())
        .isEqualTo(4);
    assertThat(registry.get("joblib4j.tasks.in.flight").gauge().value()).isZero();
  }

  @Test
  void collectedFailuresAreFailedTasksAndAFailingCallIsAFailure() {
    List<Outcome<Integer>> outcomes =
        Parallel.builder()
            .backend("threading")
            .nJobs(2)
            .batchSize(5)
            .errorPolicy(ErrorPolicy.COLLECT)
            .build()
            .runOutcomes(
                IntStream.range(0, 10).mapToObj(i -> delayed(JoblibMetricsTest::failOdd, i)));
    assertThat(outcomes.stream().filter(o -> !o.isSuccess()).collect(Collectors.toList()))
        .hasSize(5);
    assertThat(counted("joblib4j.tasks.failed", "backend", "threading")).isEqualTo(5);
    assertThat(counted("joblib4j.tasks.completed", "backend", "threading")).isEqualTo(5);

    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("threading")
                    .nJobs(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 2)
                            .mapToObj(i -> delayed(JoblibMetricsTest::failOdd, i))))
        .hasMessage("odd 1");
    assertThat(
            registry
                .get("joblib4j.calls")
                .tags("backend", "threading", "outcome", "failure")
                .timer()
                .count())
        .isEqualTo(1);
    // the failing task only
    assertThat(counted("joblib4j.tasks.failed", "backend", "threading")).isEqualTo(6);
  }

  /** Waits (at most 30 s) until two worker JVMs have run a task, then squares. */
  static int squareOnceTwoWorkersRan(String folder, Integer x) {
    org.joblib4j.tck.support.WorkerProcesses.writePidAndAwaitJvms(folder, 2);
    return x * x;
  }

  @Test
  void workerJvmsAreCountedWhileTheyLiveAndTheirBatchesWaitsTimed(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path seen) {
    // each task waits until both workers have run one, so that both surely start: a fast first
    // worker would otherwise finish every task while the second still boots
    List<Integer> out =
        Parallel.builder()
            .backend("multiprocessing")
            .nJobs(2)
            .batchSize(1)
            .build()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(
                        i ->
                            delayed(
                                JoblibMetricsTest::squareOnceTwoWorkersRan, seen.toString(), i)));
    assertThat(out).containsExactly(0, 1, 4, 9, 16, 25);

    assertThat(counted("joblib4j.worker.starts")).isEqualTo(2);
    assertThat(registry.get("joblib4j.batch.queue.wait").timer().count()).isEqualTo(6);
    assertThat(counted("joblib4j.tasks.completed", "backend", "multiprocessing")).isEqualTo(6);
    // the call's pool ends with it: both workers exit, and the gauge follows
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(registry.get("joblib4j.workers.live").gauge().value()).isZero();
              assertThat(
                      registry.find("joblib4j.worker.exits").counters().stream()
                          .mapToDouble(c -> c.count())
                          .sum())
                  .isEqualTo(2);
            });
  }

  @Test
  void aClosedBinderStopsMeasuringAndASecondBindIsRefused() {
    assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("JoblibMetrics is already bound to a registry: create one per registry");
    metrics.close();
    Parallel.builder()
        .backend("threading")
        .nJobs(2)
        .build()
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(JoblibMetricsTest::square, i)));
    assertThat(registry.find("joblib4j.calls").timer()).isNull();
  }
}
