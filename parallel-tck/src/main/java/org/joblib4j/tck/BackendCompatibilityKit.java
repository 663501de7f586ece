package org.joblib4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskOrigin;
import org.joblib4j.TaskSerializationException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every backend shares, as one abstract JUnit class (in the style of Micrometer's
 * {@code MeterRegistryCompatibilityKit}): a backend's test extends it and names its backend.
 *
 * <pre>{@code
 * class MyBackendTckTest extends BackendCompatibilityKit {
 *   protected String backendName() { return "mine"; }
 * }
 * }</pre>
 *
 * <p>Tasks are serializable lambdas without captured test state, so process and cluster backends
 * run the same checks. Override {@link #supportsTimeout()}, {@link #supportsReturnGenerator()} and
 * {@link #isParallel()} where the backend's capability flags say so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BackendCompatibilityKit {

  /**
   * The backend under test.
   *
   * @return its registered name
   */
  protected abstract String backendName();

  /**
   * Parameters for the backend.
   *
   * @return the parameters (none by default)
   */
  protected Map<String, Object> backendParameters() {
    return Map.of();
  }

  /**
   * The n_jobs the checks use.
   *
   * @return 2 by default
   */
  protected int nJobs() {
    return 2;
  }

  /**
   * Whether the backend honours {@code timeout}.
   *
   * @return true by default
   */
  protected boolean supportsTimeout() {
    return true;
  }

  /**
   * Whether generator return modes are allowed.
   *
   * @return true by default
   */
  protected boolean supportsReturnGenerator() {
    return true;
  }

  /**
   * Whether tasks run concurrently (false for {@code sequential}).
   *
   * @return true by default
   */
  protected boolean isParallel() {
    return true;
  }

  /**
   * Whether tasks are serialized to run in other JVMs (process and cluster backends).
   *
   * @return false by default
   */
  protected boolean shipsTasks() {
    return false;
  }

  /**
   * Whether a worker names a result too large for its channel back to the caller ({@code loky},
   * {@code multiprocessing}).
   *
   * @return false by default
   */
  protected boolean namesOversizedResults() {
    return false;
  }

  /**
   * A builder for the backend under test.
   *
   * @return the builder
   */
  protected Parallel.Builder parallel() {
    return Parallel.builder().backend(backendName(), backendParameters()).nJobs(nJobs());
  }

  private static List<Integer> squares(int n) {
    return IntStream.range(0, n).map(i -> i * i).boxed().collect(Collectors.toList());
  }

  private static List<Task<Integer>> squareTasks(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> delayed(TckTasks::square, i))
        .collect(Collectors.toList());
  }

  /** Results come back in input order, whatever the completion order. */
  @Nested
  class Ordering {
    @Test
    void listsKeepInputOrder() {
      assertThat(parallel().build().run(squareTasks(200))).isEqualTo(squares(200));
    }

    @Test
    void mapAndStreamsWork() {
      assertThat(parallel().build().map(TckTasks::square, List.of(1, 2, 3)))
          .containsExactly(1, 4, 9);
      assertThat(
              parallel()
                  .build()
                  .<Integer>run(
                      IntStream.range(0, 50).mapToObj(i -> delayed(TckTasks::jitteredSquare, i))))
          .isEqualTo(squares(50));
    }

    @Test
    void aReusedParallelRunsSeveralCalls() {
      try (Parallel p = parallel().build()) {
        assertThat(p.run(squareTasks(20))).isEqualTo(squares(20));
        assertThat(p.run(squareTasks(30))).isEqualTo(squares(30));
      }
    }

    @Test
    void nullResultsAreKept() {
      assertThat(parallel().build().map(TckTasks::nothing, List.of(1, 2, 3)))
          .containsExactly(null, null, null);
    }
  }

  /** Empty input returns an empty result, with no hang. */
  @Nested
  class EmptyInput {
    @Test
    void emptyListAndIterator() {
      assertThat(parallel().build().run(List.<Task<Integer>>of())).isEmpty();
      if (supportsReturnGenerator()) {
        try (ResultIterator<Integer> it =
            parallel().returnAs(ReturnAs.GENERATOR).build().iterate(List.<Task<Integer>>of())) {
          assertThat(it.hasNext()).isFalse();
        }
      }
    }
  }

  /** Failures are rethrown as DESIGN.md says, and the first one stops the call. */
  @Nested
  class Errors {
    @Test
    void aRuntimeExceptionKeepsItsTypeAndNamesTheTask() {
      assertThatThrownBy(
              () ->
                  parallel()
                      .build()
                      .map(
                          TckTasks::failAtSeven,
                          IntStream.range(0, 30).boxed().collect(Collectors.toList())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("task 7 failed")
          .satisfies(
              e ->
                  assertThat(e.getSuppressed())
                      .anySatisfy(
                          s ->
                              assertThat(s)
                                  .isInstanceOf(TaskOrigin.class)
                                  .hasMessageContaining("Task 7 ")
                                  .hasMessageContaining("'" + backendName() + "'")));
    }

    @Test
    void aCheckedExceptionIsWrapped() {
      assertThatThrownBy(() -> parallel().build().map(TckTasks::ioFailure, List.of(1, 2, 3)))
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(IOException.class)
          .hasRootCauseMessage("io 2");
    }

    @Test
    void anErrorKeepsItsType() {
      assertThatThrownBy(() -> parallel().build().map(TckTasks::assertionError, List.of(1, 2)))
          .isInstanceOf(AssertionError.class);
    }

    /**
     * The JVM's own StackOverflowError refuses suppressed exceptions: a same-type carrier names the
     * task.
     */
    @Test
    void aJvmStackOverflowErrorKeepsItsTypeAndNamesTheTask() {
      Throwable e =
          catchThrowable(
              () -> parallel().build().map(TckTasks::overflowAtTwo, List.of(0, 1, 2, 3)));
      assertThat(e).isExactlyInstanceOf(StackOverflowError.class);
      TaskOrigin origin =
          TaskOrigin.of(e).orElseThrow(() -> new AssertionError("no TaskOrigin on " + e, e));
      assertThat(origin.taskIndex()).isEqualTo(2);
      assertThat(origin.backendName()).isEqualTo(backendName());
      assertThat(origin.getMessage()).startsWith("Task 2 of Parallel(n_jobs=");
      assertThat(e.getSuppressed()).containsExactly(origin);
      assertThat(e).hasMessage("[" + origin.getMessage() + "]");
      // the JVM's own error is the cause, and the carrier shows its stack
      assertThat(e.getCause()).isExactlyInstanceOf(StackOverflowError.class).hasMessage(null);
      assertThat(e.getStackTrace()).isEqualTo(e.getCause().getStackTrace());
      assertThat(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("recurse"));
      assertThat(TaskOrigin.of(new IllegalStateException("wrapped by the caller", e)))
          .containsSame(origin);
    }

    /**
     * Until the failure reaches the dispatcher, each task finishing on another worker dispatches
     * the next: on a loaded machine the failing thread may wait its turn for milliseconds while
     * instant tasks go on (CI once read 1,438). The bound says reading stopped, far before the end.
     */
    @Test
    void theFirstErrorStopsReadingTheInput() {
      AtomicInteger read = new AtomicInteger();
      Iterator<Task<Integer>> input =
          new Iterator<>() {
            @Override
            public boolean hasNext() {
              return read.get() < 1_000_000;
            }

            @Override
            public Task<Integer> next() {
              int i = read.getAndIncrement();
              return delayed(TckTasks::failAtSeven, i);
            }
          };
      Iterable<Task<Integer>> tasks = () -> input;
      assertThatThrownBy(() -> parallel().batchSize(1).preDispatch(4).build().run(tasks))
          .isInstanceOf(IllegalStateException.class);
      assertThat(read.get()).isLessThan(50_000);
    }

    @Test
    void theBackendStaysUsableAfterAFailure() {
      try (Parallel p = parallel().build()) {
        assertThatThrownBy(
                () ->
                    p.map(
                        TckTasks::failAtSeven,
                        IntStream.range(0, 10).boxed().collect(Collectors.toList())))
            .isInstanceOf(IllegalStateException.class);
        assertThat(p.run(squareTasks(10))).isEqualTo(squares(10));
      }
      assertThat(parallel().build().run(squareTasks(10))).isEqualTo(squares(10));
    }
  }

  /**
   * What docs/errors.md promises for a task that cannot be serialized: the call fails with {@code
   * TaskSerializationException} naming it, and no task of its batch runs (earlier batches may
   * have).
   */
  @Nested
  class Serialization {
    @TempDir Path markers;

    private List<Task<Integer>> markingTasks(int n, int unserializable) {
      return IntStream.range(0, n)
          .mapToObj(
              i ->
                  delayed(
                      TckTasks::mark,
                      markers.toString(),
                      i,
                      i == unserializable ? new TckTasks.Unserializable() : (Object) "ok"))
          .collect(Collectors.toList());
    }

    private void assertNamed(Throwable e, long index) {
      assertThat(e)
          .isInstanceOf(TaskSerializationException.class)
          .hasMessageStartingWith(
              "Could not serialize the task to send it to the workers. Task "
                  + index
                  + " cannot be serialized:"
                  + " java.io.NotSerializableException: "
                  + TckTasks.Unserializable.class.getName())
          .hasCauseInstanceOf(NotSerializableException.class);
      assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(index);
    }

    @Test
    void noTaskOfTheFirstBatchRunsWhenOneOfItsTasksCannotBeSerialized() throws IOException {
      if (!shipsTasks()) {
        return;
      }
      try (Parallel p = parallel().batchSize(3).preDispatch("all").build()) {
        // batches [0..2] [3..5]: tasks 0 and 1 serialize, task 2 does not, so [3..5] is not sent
        // either
        assertNamed(catchThrowable(() -> p.run(markingTasks(6, 2))), 2);
        // whatever had been sent would have run by the end of the next call on the same workers
        assertThat(p.run(squareTasks(10))).isEqualTo(squares(10));
      }
      assertThat(TckTasks.marked(markers)).isEmpty();
    }

    @Test
    void noTaskOfALaterBatchRunsButEarlierBatchesMayHave() throws IOException {
      if (!shipsTasks()) {
        return;
      }
      try (Parallel p = parallel().batchSize(2).preDispatch(4).build()) {
        // batches [0,1] [2,3] are sent first, [4,5] when one of them is done: task 5 cannot travel
        assertNamed(catchThrowable(() -> p.run(markingTasks(8, 5))), 5);
        assertThat(p.run(squareTasks(10))).isEqualTo(squares(10));
      }
      Set<Integer> ran = TckTasks.marked(markers);
      assertThat(ran)
          .as("the batch whose completion sent [4,5] ran")
          .containsAnyOf(0, 2)
          .isSubsetOf(0, 1, 2, 3);
    }

    @Test
    void aResultPastTheFrameLimitIsNamedWithItsSizeAndTheWorkerServesOn() throws IOException {
      if (!namesOversizedResults()) {
        return;
      }
      long size = TckTasks.serializedSize(new TckTasks.Zeros(1L << 31));
      try (Parallel p = parallel().batchSize(1).build()) {
        Throwable e =
            catchThrowable(() -> p.map(x -> TckTasks.twoGibibytesAt(x, 3), List.of(0, 1, 2, 3)));
        assertThat(e)
            .isInstanceOf(TaskSerializationException.class)
            .hasMessage(
                "The result of task 3 takes "
                    + size
                    + " bytes serialized, more than the 2147483622 bytes"
                    + " one batch's results can carry back from a worker JVM. Write large results to shared"
                    + " storage and return where they are.");
        assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(3);
        assertThat(p.run(squareTasks(10))).isEqualTo(squares(10));
      }
    }
  }

  /** joblib's timeout. */
  @Nested
  class Timeouts {
    @Test
    void aGenerousTimeoutDoesNotFire() {
      assertThat(parallel().timeout(Duration.ofSeconds(60)).build().run(squareTasks(10)))
          .isEqualTo(squares(10));
    }

    @Test
    void aStuckTaskTimesOutAndTheBackendRecovers() {
      if (!supportsTimeout() || !isParallel()) {
        return;
      }
      assertThatThrownBy(
              () ->
                  parallel()
                      .timeout(Duration.ofMillis(500))
                      .build()
                      .map(TckTasks::stuckAtOne, List.of(0, 1)))
          .isInstanceOf(ParallelTimeoutException.class);
      assertThat(parallel().build().run(squareTasks(10))).isEqualTo(squares(10));
    }
  }

  /** {@code submit} and {@code publish}: a call consumed without a waiting caller. */
  @Nested
  class FuturesAndPublishers {
    private static final long LIMIT_SECONDS = 60;

    @Test
    void submitCompletesWithTheResultsInInputOrder() throws Exception {
      CompletableFuture<List<Integer>> results = parallel().build().submit(squareTasks(30));
      assertThat(results.get(LIMIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(squares(30));
    }

    @Test
    void submitCompletesExceptionallyWithTheTasksOwnException() {
      CompletableFuture<List<Integer>> results =
          parallel()
              .build()
              .submit(IntStream.range(0, 20).mapToObj(i -> delayed(TckTasks::failAtSeven, i)));
      assertThatThrownBy(() -> results.get(LIMIT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("task 7 failed");
    }

    @Test
    void cancellingASubmittedCallEndsItAndFreesTheInstance() {
      try (Parallel p = parallel().build()) {
        CompletableFuture<List<Integer>> results =
            p.submit(IntStream.range(0, 4).mapToObj(i -> delayed(TckTasks::stuckAtOne, i)));
        // task 1 runs for 60 s unless the cancel stops it
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> results.cancel(true)))
            .isTrue();
        assertThat(results).isCancelled();
        assertThat(p.run(squareTasks(10))).isEqualTo(squares(10));
      }
    }

    @Test
    void aPublisherSendsOnlyWhatWasRequestedInOrder() throws Exception {
      RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
      parallel().build().publish(squareTasks(30)).subscribe(subscriber);
      subscriber.request(3);
      assertThat(subscriber.receivedAtLeast(3).get(LIMIT_SECONDS, TimeUnit.SECONDS))
          .containsExactly(0, 1, 4);
      subscriber.request(Long.MAX_VALUE);
      subscriber.ended.get(LIMIT_SECONDS, TimeUnit.SECONDS);
      assertThat(subscriber.received()).isEqualTo(squares(30));
      assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void eachSubscriberGetsItsOwnCall() throws Exception {
      Flow.Publisher<Integer> publisher = parallel().build().publish(squareTasks(5));
      for (int round = 0; round < 2; round++) {
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        publisher.subscribe(subscriber);
        subscriber.request(Long.MAX_VALUE);
        subscriber.ended.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        assertThat(subscriber.received()).isEqualTo(squares(5));
      }
    }

    @Test
    void aTaskFailureEndsTheStreamWithItsException() {
      RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
      parallel()
          .build()
          .publish(IntStream.range(0, 20).mapToObj(i -> delayed(TckTasks::failAtSeven, i)))
          .subscribe(subscriber);
      subscriber.request(Long.MAX_VALUE);
      assertThatThrownBy(() -> subscriber.ended.get(LIMIT_SECONDS, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("task 7 failed");
      // what came before the failure came in input order
      List<Integer> received = subscriber.received();
      assertThat(received)
          .hasSizeLessThanOrEqualTo(7)
          .isEqualTo(IntStream.range(0, received.size()).boxed().collect(Collectors.toList()));
      assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void cancellingTheSubscriptionEndsTheCallAndFreesTheInstance() throws Exception {
      try (Parallel p = parallel().build()) {
        RecordingSubscriber<Integer> subscriber =
            new RecordingSubscriber<>((s, item) -> s.subscribed.join().cancel());
        p.publish(squareTasks(1000)).subscribe(subscriber);
        subscriber.request(Long.MAX_VALUE);
        assertThat(subscriber.receivedAtLeast(1).get(LIMIT_SECONDS, TimeUnit.SECONDS))
            .containsExactly(0);
        assertThat(p.run(squareTasks(10))).isEqualTo(squares(10));
        assertThat(subscriber.received()).containsExactly(0);
        assertThat(subscriber.ended).isNotDone();
        assertThat(subscriber.violations()).isEmpty();
      }
    }

    @Test
    void aRequestForNothingEndsTheStreamNamingTheRule() {
      RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
      parallel().build().publish(squareTasks(5)).subscribe(subscriber);
      subscriber.request(0);
      assertThatThrownBy(() -> subscriber.ended.get(LIMIT_SECONDS, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "request(0): a subscriber must request a positive number of results (Reactive Streams rule 3.9)");
    }

    @Test
    void aNullResultEndsTheStreamClearly() {
      RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
      parallel().build().publish(List.of(delayed(TckTasks::nothing, 1))).subscribe(subscriber);
      subscriber.request(1);
      assertThatThrownBy(() -> subscriber.ended.get(LIMIT_SECONDS, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(NullPointerException.class)
          .hasMessage(
              "A task returned null, which a Flow.Publisher may not deliver (Reactive Streams rule 2.13): return a"
                  + " value, or use submit() or iterate()");
    }
  }

  /** {@code checkpoint(folder)}: a rerun runs only the tasks that did not finish. */
  @Nested
  class Checkpoints {
    @TempDir Path dir;

    private List<Task<Integer>> countedSquares(int n) {
      return IntStream.range(0, n)
          .mapToObj(i -> delayed(TckTasks::countedSquare, dir.toString(), i))
          .collect(Collectors.toList());
    }

    @Test
    void aRerunAfterFailuresRunsOnlyTheTasksThatFailed() throws IOException {
      Path records = dir.resolve("records");
      java.nio.file.Files.createFile(dir.resolve("fail7"));
      List<org.joblib4j.Outcome<Integer>> first =
          parallel().checkpoint(records).build().runOutcomes(countedSquares(10));
      assertThat(first)
          .filteredOn(o -> !o.isSuccess())
          .extracting(org.joblib4j.Outcome::index)
          .containsExactly(7L);
      assertThat(TckTasks.runs(dir)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

      java.nio.file.Files.delete(dir.resolve("fail7"));
      assertThat(parallel().checkpoint(records).build().run(countedSquares(10)))
          .isEqualTo(squares(10));
      // only task 7 ran again
      assertThat(TckTasks.runs(dir)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9);
      // and a third run runs nothing
      assertThat(parallel().checkpoint(records).build().run(countedSquares(10)))
          .isEqualTo(squares(10));
      assertThat(TckTasks.runs(dir)).hasSize(11);
    }

    @Test
    void aFailFastCallRecordsWhatFinishedBeforeTheFailure() throws IOException {
      Path records = dir.resolve("records");
      java.nio.file.Files.createFile(dir.resolve("fail7"));
      assertThatThrownBy(() -> parallel().checkpoint(records).build().run(countedSquares(10)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("task 7 failed");
      // a backend may return before the tasks it could not stop have ended (a running Dask task
      // cannot
      // be interrupted; a killed worker's task never ends): wait until no run and no record appears
      AtomicReference<List<Long>> seen = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .during(Duration.ofMillis(300))
          .until(
              () -> {
                List<Long> now = List.of(recordsIn(records), (long) TckTasks.runs(dir).size());
                return now.equals(seen.getAndSet(now));
              });
      // records first: each is of a task that ran, so task 7's run keeps the count of runs above it
      long finished = recordsIn(records);
      int firstRuns = TckTasks.runs(dir).size();
      assertThat(finished).isLessThan(firstRuns);
      java.nio.file.Files.delete(dir.resolve("fail7"));
      assertThat(parallel().checkpoint(records).build().run(countedSquares(10)))
          .isEqualTo(squares(10));
      // the rerun ran only tasks without a record (task 7, those not reached, those cut off); a
      // task of
      // the first call still finishing after it failed may have added its record since
      List<Integer> allRuns = TckTasks.runs(dir);
      assertThat((long) allRuns.size() - firstRuns).isBetween(1L, 10 - finished);
      assertThat(allRuns).filteredOn(i -> i == 7).hasSize(2);
    }

    private long recordsIn(Path records) throws IOException {
      if (!java.nio.file.Files.isDirectory(records)) {
        return 0;
      }
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(records)) {
        return files.filter(f -> f.toString().endsWith(".result")).count();
      }
    }
  }

  /** {@code retry(policy)}: a failed task runs again where it ran, and each attempt is kept. */
  @Nested
  class Retries {
    @TempDir Path dir;

    private List<Task<Integer>> flakySquares(int failures) {
      return IntStream.range(0, 8)
          .mapToObj(i -> delayed(TckTasks::flakySquare, dir.toString(), i, failures))
          .collect(Collectors.toList());
    }

    @Test
    void aTaskThatFailsTwiceSucceedsOnItsThirdAttempt() throws IOException {
      List<org.joblib4j.Outcome<Integer>> outcomes =
          parallel()
              .retry(org.joblib4j.RetryPolicy.attempts(3))
              .build()
              .runOutcomes(flakySquares(2));
      assertThat(outcomes).allMatch(org.joblib4j.Outcome::isSuccess);
      assertThat(outcomes).extracting(org.joblib4j.Outcome::get).isEqualTo(squares(8));
      assertThat(outcomes)
          .extracting(org.joblib4j.Outcome::attempts)
          .containsExactly(1, 1, 1, 1, 3, 1, 1, 1);
      assertThat(TckTasks.runs(dir)).containsExactly(0, 1, 2, 3, 4, 4, 4, 5, 6, 7);
      // run() gives the plain values
      assertThat(
              parallel().retry(org.joblib4j.RetryPolicy.attempts(3)).build().run(flakySquares(0)))
          .isEqualTo(squares(8));
    }

    @Test
    void aTaskThatKeepsFailingFailsWithEveryAttemptRecorded() throws IOException {
      Throwable e =
          catchThrowable(
              () ->
                  parallel()
                      .retry(org.joblib4j.RetryPolicy.attempts(3))
                      .build()
                      .run(flakySquares(99)));
      assertThat(e)
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("task 4 failed on run 3");
      assertThat(e.getSuppressed())
          .filteredOn(s -> s instanceof org.joblib4j.TaskAttemptException)
          .extracting(Throwable::getMessage)
          .containsExactly(
              "Attempt 1 of 3 failed: java.lang.IllegalStateException: task 4 failed on run 1",
              "Attempt 2 of 3 failed: java.lang.IllegalStateException: task 4 failed on run 2");
      assertThat(TckTasks.runs(dir)).filteredOn(i -> i == 4).hasSize(3);
      List<org.joblib4j.Outcome<Integer>> outcomes =
          parallel()
              .retry(org.joblib4j.RetryPolicy.attempts(2))
              .build()
              .runOutcomes(flakySquares(99));
      assertThat(outcomes.get(4).isSuccess()).isFalse();
      assertThat(outcomes.get(4).attempts()).isEqualTo(2);
    }

    @Test
    void onlyTheNamedExceptionsAreRetried() throws IOException {
      org.joblib4j.RetryPolicy onIo =
          org.joblib4j.RetryPolicy.attempts(3).retryOn(IOException.class);
      // outcomes: the call returns once every task has ended, so no task still writes in dir
      // when it is deleted (a cluster does not stop a running task when a call fails)
      List<org.joblib4j.Outcome<Integer>> outcomes =
          parallel().retry(onIo).build().runOutcomes(flakySquares(1));
      assertThat(outcomes.get(4).failure())
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("task 4 failed on run 1");
      assertThat(outcomes.get(4).attempts()).isEqualTo(1);
      assertThat(TckTasks.runs(dir)).filteredOn(i -> i == 4).hasSize(1);
    }
  }

  /** Generator return modes. */
  @Nested
  class Generators {
    @Test
    void orderedGeneratorsFollowTheInput() {
      if (!supportsReturnGenerator()) {
        assertThatThrownBy(() -> parallel().returnAs(ReturnAs.GENERATOR).build())
            .isInstanceOf(IllegalArgumentException.class);
        return;
      }
      List<Integer> got = new ArrayList<>();
      try (ResultIterator<Integer> it =
          parallel().returnAs(ReturnAs.GENERATOR).build().iterate(squareTasks(50))) {
        it.forEachRemaining(got::add);
      }
      assertThat(got).isEqualTo(squares(50));
    }

    @Test
    void unorderedGeneratorsYieldEveryResultOnce() {
      if (!supportsReturnGenerator()) {
        return;
      }
      List<Integer> got = new ArrayList<>();
      try (ResultIterator<Integer> it =
          parallel().returnAs(ReturnAs.GENERATOR_UNORDERED).build().iterate(squareTasks(50))) {
        it.forEachRemaining(got::add);
      }
      assertThat(got).containsExactlyInAnyOrderElementsOf(squares(50));
    }

    @Test
    void closingEarlyCancelsTheRestAndFreesTheInstance() {
      if (!supportsReturnGenerator()) {
        return;
      }
      try (Parallel p = parallel().returnAs(ReturnAs.GENERATOR).build()) {
        try (ResultIterator<Integer> it =
            p.iterate(IntStream.range(0, 1000).mapToObj(i -> delayed(TckTasks::slowSquare, i)))) {
          assertThat(it.next()).isZero();
        }
        assertThat(p.run(squareTasks(5))).isEqualTo(squares(5));
      }
    }

    @Test
    void aSecondCallWhileAGeneratorIsLiveIsRefused() {
      if (!supportsReturnGenerator()) {
        return;
      }
      try (Parallel p = parallel().returnAs(ReturnAs.GENERATOR).build();
          ResultIterator<Integer> it = p.iterate(squareTasks(10))) {
        assertThatThrownBy(() -> p.run(squareTasks(2)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("This Parallel instance is already running !");
        it.forEachRemaining(x -> {});
      }
    }
  }

  /** {@code ProgressListener.onTaskCompleted}: every task's end, with what the backend knows. */
  @Nested
  class TaskEvents {
    private List<org.joblib4j.TaskEvent> events(
        Parallel.Builder builder, org.joblib4j.ErrorPolicy policy, int n) {
      List<org.joblib4j.TaskEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      ProgressListener listener =
          new ProgressListener() {
            @Override
            public void onTaskCompleted(org.joblib4j.TaskEvent e) {
              events.add(e);
            }
          };
      List<Task<Integer>> tasks =
          IntStream.range(0, n)
              .mapToObj(i -> delayed(TckTasks::failAtSeven, i))
              .collect(Collectors.toList());
      catchThrowable(
          () -> builder.progress(listener).errorPolicy(policy).build().runOutcomes(tasks));
      return events;
    }

    @Test
    void collectingReportsEveryTaskOnceWithItsFailure() {
      List<org.joblib4j.TaskEvent> events =
          events(parallel(), org.joblib4j.ErrorPolicy.COLLECT, 20);
      assertThat(events)
          .extracting(org.joblib4j.TaskEvent::index)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 20).mapToObj(i -> (long) i).collect(Collectors.toList()));
      assertThat(events).allSatisfy(e -> assertThat(e.backendName()).isEqualTo(backendName()));
      assertThat(events)
          .filteredOn(e -> e.failure().isPresent())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.index()).isEqualTo(7);
                assertThat(e.error())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 7 failed");
              });
      if (!shipsTasks()) {
        // tasks that run in this JVM are timed one by one, on a named thread
        assertThat(events)
            .allSatisfy(
                e -> {
                  assertThat(e.duration()).isPresent();
                  assertThat(e.where()).isPresent();
                });
      }
    }

    @Test
    void failingFastReportsTheTaskThatStoppedTheCall() {
      List<org.joblib4j.TaskEvent> events =
          events(parallel(), org.joblib4j.ErrorPolicy.FAIL_FAST, 20);
      assertThat(events)
          .filteredOn(e -> e.failure().isPresent())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.index()).isEqualTo(7);
                assertThat(e.error()).hasMessage("task 7 failed");
              });
      assertThat(events).extracting(org.joblib4j.TaskEvent::index).doesNotHaveDuplicates();
    }
  }

  /** Calls made inside tasks. */
  @Nested
  class Nesting {
    @Test
    void aParallelInsideATaskRunsAndIsOneLevelDown() {
      List<List<Integer>> levels = parallel().build().map(TckTasks::nestedLevels, List.of(1, 2));
      // a parallel backend's tasks nest one level down; sequential leaves the level alone (joblib)
      int level = isParallel() ? 1 : 0;
      assertThat(levels).allSatisfy(l -> assertThat(l).containsExactly(level, 1, 4, 9));
    }
  }

  /** The input is read lazily. */
  @Nested
  class LazyInput {
    @Test
    void onlyPreDispatchTasksAreReadBeforeTheFirstResult() {
      if (!isParallel() || !supportsReturnGenerator()) {
        return;
      }
      AtomicInteger read = new AtomicInteger();
      Iterator<Task<Integer>> input =
          IntStream.range(0, 10_000)
              .<Task<Integer>>mapToObj(
                  i -> {
                    read.incrementAndGet();
                    return delayed(TckTasks::sleepySquare, i);
                  })
              .iterator();
      Iterable<Task<Integer>> tasks = () -> input;
      try (ResultIterator<Integer> it =
          parallel()
              .batchSize(1)
              .preDispatch(3)
              .returnAs(ReturnAs.GENERATOR)
              .build()
              .iterate(tasks)) {
        assertThat(read.get()).isLessThanOrEqualTo(3);
        assertThat(it.next()).isZero();
      }
      assertThat(read.get()).isLessThan(10_000);
    }

    @Test
    void aPausedConsumerBoundsWhatIsReadAheadByDefault() {
      if (!isParallel() || !supportsReturnGenerator()) {
        return;
      }
      assertReadAheadBounded(parallel(), Parallel.DEFAULT_MAX_PENDING_RESULTS);
    }

    @Test
    void maxPendingResultsCountsWhatIsStillRunning() {
      if (!isParallel() || !supportsReturnGenerator()) {
        return;
      }
      assertReadAheadBounded(parallel().maxPendingResults(100), 100);
    }

    @Test
    void maxPendingBytesBoundsHowManyLargeTasksAreReadAhead() {
      if (!isParallel() || !supportsReturnGenerator()) {
        return;
      }
      // tasks of about 1 MiB each (eight 128 KiB rows, none large enough to be memory-mapped):
      // 16 MiB hold about 16 of them, however many the count bound would allow
      assertReadAheadBounded(
          parallel().maxPendingBytes(16L << 20),
          16,
          120,
          i -> delayed(TckTasks::indexOf, TckTasks.rowsOfOneMebibyte(), i),
          i -> i);
    }
  }

  /**
   * Consumes a lazy input of tiny tasks with pauses; while the consumer is paused, the tasks read
   * ahead of it (and so the results finished but not consumed) stay within {@code bound}.
   */
  private static void assertReadAheadBounded(Parallel.Builder builder, int bound) {
    assertReadAheadBounded(
        builder, bound, 4 * bound + 1000, i -> delayed(TckTasks::square, i), i -> i * i);
  }

  /**
   * Reads {@code n} tasks lazily with a consumer that pauses now and then, and asserts that no more
   * than {@code bound} tasks are ever read ahead of it, nor results finished and not consumed.
   */
  private static void assertReadAheadBounded(
      Parallel.Builder builder,
      int bound,
      int n,
      java.util.function.IntFunction<Task<Integer>> task,
      java.util.function.IntUnaryOperator expected) {
    AtomicLong read = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicReference<ProgressEvent> last = new AtomicReference<>();
    AtomicLong peakReadAhead = new AtomicLong();
    AtomicLong peakFinishedUnconsumed = new AtomicLong();
    Iterator<Task<Integer>> input =
        IntStream.range(0, n)
            .<Task<Integer>>mapToObj(
                i -> {
                  peakReadAhead.accumulateAndGet(
                      read.incrementAndGet() - consumed.get(), Math::max);
                  return task.apply(i);
                })
            .iterator();
    ProgressListener finished =
        new ProgressListener() {
          @Override
          public void onBatchCompleted(ProgressEvent e) {
            last.set(e);
            peakFinishedUnconsumed.accumulateAndGet(e.completedTasks() - consumed.get(), Math::max);
          }
        };
    Iterable<Task<Integer>> tasks = () -> input;
    try (ResultIterator<Integer> it =
        builder.progress(finished).returnAs(ReturnAs.GENERATOR).build().iterate(tasks)) {
      for (int pause : new int[] {1, bound / 2 + 1, 2 * bound, n}) {
        while (consumed.get() < pause && it.hasNext()) {
          long i = consumed.get();
          assertThat(it.next()).isEqualTo(expected.applyAsInt((int) i));
          consumed.incrementAndGet();
        }
        // paused: wait until every task dispatched has finished and nothing more is dispatched
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .during(Duration.ofMillis(300))
            .until(
                () ->
                    last.get() != null
                        && last.get().completedTasks() == last.get().dispatchedTasks());
        assertThat(read.get() - consumed.get())
            .as("tasks read ahead of a consumer paused after %d", consumed.get())
            .isLessThanOrEqualTo(bound);
      }
      assertThat(it.hasNext()).isFalse();
    }
    assertThat(consumed.get()).isEqualTo(n);
    assertThat(peakReadAhead.get())
        .as("peak of the tasks read ahead of the consumer")
        .isLessThanOrEqualTo(bound);
    assertThat(peakFinishedUnconsumed.get())
        .as("peak of the results finished but not consumed")
        .isLessThanOrEqualTo(bound);
  }

  /** Several threads may use the backend at once. */
  @Nested
  class ConcurrentCallers {
    @Test
    void twoThreadsGetTheirOwnResults() throws Exception {
      ExecutorService callers = Executors.newFixedThreadPool(2);
      try {
        CompletableFuture<List<Integer>> a =
            CompletableFuture.supplyAsync(() -> parallel().build().run(squareTasks(300)), callers);
        CompletableFuture<List<Integer>> b =
            CompletableFuture.supplyAsync(
                () ->
                    parallel()
                        .build()
                        .map(
                            TckTasks::negate,
                            IntStream.range(0, 300).boxed().collect(Collectors.toList())),
                callers);
        assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(squares(300));
        assertThat(b.get(60, TimeUnit.SECONDS))
            .isEqualTo(IntStream.range(0, 300).map(i -> -i).boxed().collect(Collectors.toList()));
      } finally {
        callers.shutdownNow();
      }
    }

    @Test
    void oneCallsFailureDoesNotFailAnother() throws Exception {
      ExecutorService callers = Executors.newFixedThreadPool(2);
      try {
        CompletableFuture<List<Integer>> failing =
            CompletableFuture.supplyAsync(
                () ->
                    parallel()
                        .build()
                        .map(
                            TckTasks::failAtSeven,
                            IntStream.range(0, 20).boxed().collect(Collectors.toList())),
                callers);
        CompletableFuture<List<Integer>> fine =
            CompletableFuture.supplyAsync(() -> parallel().build().run(squareTasks(200)), callers);
        assertThat(fine.get(60, TimeUnit.SECONDS)).isEqualTo(squares(200));
        assertThatThrownBy(() -> failing.get(60, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IllegalStateException.class);
      } finally {
        callers.shutdownNow();
      }
    }
  }

  /** What a built Parallel reports. */
  @Nested
  class Introspection {
    @Test
    void aParallelSaysWhatItUses() {
      Parallel p = parallel().build();
      assertThat(p.backendName()).isEqualTo(backendName());
      assertThat(p.nJobs()).isEqualTo(nJobs());
      assertThat(p.nestingLevel()).isZero();
      assertThat(p.effectiveNJobs()).isGreaterThanOrEqualTo(1);
      assertThat(p).hasToString("Parallel(n_jobs=" + nJobs() + ")");
    }
  }
}
