package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.DelayedCall;
import org.joblib4j.Outcome;
import org.joblib4j.Parallel;
import org.joblib4j.RetryPolicy;
import org.joblib4j.TaskAttemptException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.tck.support.WorkerProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retry(RetryPolicy)} on a task whose worker JVM dies: the policy wraps each task, which
 * cannot help once its JVM is gone, so the engine sends the lost batch again, to the replacement
 * worker. Before: the call failed with {@link WorkerTerminatedException} whatever the policy.
 */
class LokyLostBatchRetryTest {

  /** Task 2 halts its JVM on its first run only. */
  static int haltsOnceOn2(String folder, Integer x) {
    if (x == 2) {
      WorkerProcesses.haltOnce(folder, 5);
    }
    return x * 10;
  }

  /** Task 2 halts its JVM on every run. */
  static int alwaysHaltsOn2(Integer x) {
    if (x == 2) {
      Runtime.getRuntime().halt(6);
    }
    return x * 10;
  }

  private static List<DelayedCall<Integer>> tasks(Path folder) {
    return IntStream.range(0, 6)
        .mapToObj(i -> delayed(LokyLostBatchRetryTest::haltsOnceOn2, folder.toString(), i))
        .collect(Collectors.toList());
  }

  private static Parallel.Builder loky() {
    return Parallel.builder().backend("loky").nJobs(2).batchSize(1);
  }

  @Test
  void aBatchWhoseWorkerDiedRunsAgainAndTheCallSucceeds(@TempDir Path folder) {
    List<Integer> r =
        loky()
            .retry(RetryPolicy.attempts(2).backoff(Duration.ofMillis(10)))
            .build()
            .run(tasks(folder));

    assertThat(r).containsExactly(0, 10, 20, 30, 40, 50);
    assertThat(folder.resolve("halted-once")).exists();
  }

  @Test
  void theRerunTasksOutcomeCountsBothRuns(@TempDir Path folder) {
    List<Outcome<Integer>> outcomes =
        loky().retry(RetryPolicy.attempts(3)).build().runOutcomes(tasks(folder));

    assertThat(outcomes).allMatch(Outcome::isSuccess);
    assertThat(outcomes.get(2).attempts()).isEqualTo(2);
    assertThat(outcomes.get(1).attempts()).isEqualTo(1);
  }

  @Test
  void aWorkerThatDiesOnEveryAttemptFailsTheCallWithEachEarlierLoss() {
    Throwable t =
        catchThrowable(
            () ->
                loky()
                    .retry(RetryPolicy.attempts(3))
                    .build()
                    .map(LokyLostBatchRetryTest::alwaysHaltsOn2, List.of(0, 1, 2, 3)));

    assertThat(t)
        .isInstanceOf(WorkerTerminatedException.class)
        .hasMessageContaining("The exit codes of the workers are {EXIT(6)}");
    String lost =
        "failed: org.joblib4j.WorkerTerminatedException: A worker process managed by the executor"
            + " was unexpectedly terminated.";
    assertThat(t.getSuppressed())
        .filteredOn(s -> s instanceof TaskAttemptException)
        .extracting(Throwable::getMessage)
        .satisfiesExactly(
            m -> assertThat(m).startsWith("Attempt 1 of 3 " + lost),
            m -> assertThat(m).startsWith("Attempt 2 of 3 " + lost));
  }

  @Test
  void aPolicyForOtherExceptionsLeavesALostBatchFailed(@TempDir Path folder) {
    Throwable t =
        catchThrowable(
            () ->
                loky()
                    .retry(RetryPolicy.attempts(3).retryOn(IOException.class))
                    .build()
                    .run(tasks(folder)));

    assertThat(t).isInstanceOf(WorkerTerminatedException.class);
    assertThat(t.getSuppressed()).noneMatch(s -> s instanceof TaskAttemptException);
  }
}
