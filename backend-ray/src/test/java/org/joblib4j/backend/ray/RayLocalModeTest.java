package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.tck.TooLargeForTheCaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unit tests in Ray's local mode: everything runs in this JVM (its own Surefire fork), no head
 * node. Dispatch, batching, ordering, the exception envelope and configuration.
 */
class RayLocalModeTest {
  private static final Map<String, Object> LOCAL = Map.of("local-mode", true);
  private static Set<String> rayTmpBefore;

  @BeforeAll
  static void init() {
    RayTestSupport.requireRay();
    rayTmpBefore = RayTestSupport.rayTmp();
  }

  @AfterAll
  static void shutdownLeavesNothing() {
    RayRuntime.shutdown();
    assertThat(RayTestSupport.leakedSince(rayTmpBefore))
        .as("local-mode session and native library copies")
        .isEmpty();
  }

  @Test
  void log4jsOwnStatusLinesAreKeptForWarningsSoTheJvmExitsQuietly() throws Exception {
    Parallel.builder()
        .backend("ray", LOCAL)
        .nJobs(2)
        .build()
        .run(IntStream.range(0, 2).mapToObj(i -> Parallel.delayed(Math::abs, i)));

    // Ray configures log4j's status logger at INFO: "Stopping configuration ..." at every exit.
    // (log4j comes with Ray's jar, on the test class path only at run time)
    Class<?> statusLogger = Class.forName("org.apache.logging.log4j.status.StatusLogger");
    Object fallback =
        statusLogger
            .getMethod("getFallbackListener")
            .invoke(statusLogger.getMethod("getLogger").invoke(null));
    assertThat(fallback.getClass().getMethod("getStatusLevel").invoke(fallback))
        .hasToString("WARN");
  }

  @Test
  void orderedResultsWithAutoBatching() {
    List<Integer> got =
        Parallel.builder()
            .backend("ray", LOCAL)
            .nJobs(2)
            .build()
            .map(RayTestSupport::square, IntStream.range(0, 500).boxed().toList());
    assertThat(got).isEqualTo(IntStream.range(0, 500).map(i -> i * i).boxed().toList());
    assertThat(RayRuntime.target()).isEqualTo("local-mode");
  }

  @Test
  void exceptionsKeepTheirTypeThroughTheEnvelope() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", LOCAL)
                    .nJobs(2)
                    .batchSize(2)
                    .build()
                    .map(RayTestSupport::failAt, IntStream.range(0, 8).boxed().toList()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom-3");
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", LOCAL)
                    .nJobs(2)
                    .build()
                    .run(
                        List.<Task<Integer>>of(
                            () -> 1,
                            () -> {
                              throw new java.io.FileNotFoundException("nofile-7");
                            })))
        .isInstanceOf(TaskFailedException.class)
        .hasCauseInstanceOf(java.io.FileNotFoundException.class);
  }

  static java.util.concurrent.atomic.AtomicLong counter(int x) {
    return new java.util.concurrent.atomic.AtomicLong(x);
  }

  @Test
  void resultsAreReadThroughTheSharedDeserializationFilter() {
    System.setProperty(
        "joblib4j.deserialization-filter", "!java.util.concurrent.atomic.AtomicLong");
    try {
      assertThatThrownBy(
              () ->
                  Parallel.builder()
                      .backend("ray", LOCAL)
                      .nJobs(2)
                      .build()
                      .map(RayLocalModeTest::counter, List.of(1, 2)))
          .isInstanceOf(TaskSerializationException.class)
          .hasMessageContaining(
              "A result has failed to un-serialize. Please ensure that the objects returned by the"
                  + " function are always serializable (failed with java.io.InvalidClassException:"
                  + " java.util.concurrent.atomic.AtomicLong; A result or exception from the Ray worker was refused by"
                  + " joblib4j.deserialization-filter = !java.util.concurrent.atomic.AtomicLong: class"
                  + " java.util.concurrent.atomic.AtomicLong is not accepted");
    } finally {
      System.clearProperty("joblib4j.deserialization-filter");
    }
  }

  @Test
  void aResultTheCallerHasNoMemoryForInABatchIsNamedByItsTask() {
    Throwable e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                catchThrowable(
                    () ->
                        Parallel.builder()
                            .backend("ray", LOCAL)
                            .nJobs(2)
                            .batchSize(4)
                            .preDispatch("all")
                            .build()
                            .map(
                                i -> TooLargeForTheCaller.at(i, 6),
                                IntStream.range(0, 8).boxed().toList())));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .hasCauseExactlyInstanceOf(OutOfMemoryError.class)
        .message()
        .matches(String.format(TooLargeForTheCaller.IN_A_BATCH_PATTERN, 6, 4, 7));
    assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(6);
  }

  @Test
  void aResultTheCallerHasNoMemoryForFailsItsBatchAndTheCollectorLivesOn() {
    Throwable e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                catchThrowable(
                    () ->
                        Parallel.builder()
                            .backend("ray", LOCAL)
                            .nJobs(2)
                            .batchSize(1)
                            .build()
                            .map(
                                i -> TooLargeForTheCaller.at(i, 2),
                                IntStream.range(0, 4).boxed().toList())));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .hasCauseInstanceOf(OutOfMemoryError.class)
        .message()
        .matches(String.format(TooLargeForTheCaller.MESSAGE_PATTERN, 2));
    List<Integer> next =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Parallel.builder()
                    .backend("ray", LOCAL)
                    .nJobs(2)
                    .build()
                    .map(RayTestSupport::square, List.of(1, 2, 3)));
    assertThat(next).containsExactly(1, 4, 9);
  }

  @Test
  void configurationIsCheckedAndScoped() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", Map.of("cpus-per-task", 0))
                    .build()
                    .map(RayTestSupport::square, List.of(1)))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("joblib4j.backend.ray.cpus-per-task");
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", Map.of("adress", "x:1"))
                    .build()
                    .map(RayTestSupport::square, List.of(1)))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("adress");
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", Map.of("local-mode", true, "address", "127.0.0.1:1"))
                    .build()
                    .map(RayTestSupport::square, List.of(1)))
        .isInstanceOf(ParallelConfigurationException.class);
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("ray", LOCAL).nJobs(2).open()) {
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("ray");
      assertThat(p.map(RayTestSupport::square, List.of(1, 2, 3))).containsExactly(1, 4, 9);
    }
  }

  @Test
  void aSecondClusterInTheSameJvmIsRefusedClearly() {
    Parallel.builder()
        .backend("ray", LOCAL)
        .nJobs(2)
        .build()
        .map(RayTestSupport::square, List.of(1, 2));
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", Map.of("address", "127.0.0.1:1"))
                    .nJobs(2)
                    .build()
                    .map(RayTestSupport::square, List.of(1, 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("connected to local-mode");
  }
}
