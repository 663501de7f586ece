package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.junit.jupiter.api.Test;

/** {@code verify}: what works on threads but would not travel to a worker JVM fails here, named. */
class VerifyingBackendTest {

  private static Parallel verify() {
    return Parallel.builder().nJobs(2).backend("verify").build();
  }

  /** Not Serializable: fine on threads, refused by every process backend. */
  static final class Handle {
    final int value;

    Handle(int value) {
      this.value = value;
    }
  }

  static final class Unwritable implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      throw new IOException("refuses to be written");
    }
  }

  static final class UnwritableFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Object handle = new Handle(1);

    UnwritableFailure() {
      super("fails with a field that cannot travel");
    }
  }

  @Test
  void aTaskThatTravelsGivesTheSameResultsAsThreading() {
    List<Integer> r = verify().run(IntStream.range(0, 50).mapToObj(i -> delayed(x -> x * x, i)));
    assertThat(r)
        .isEqualTo(IntStream.range(0, 50).map(i -> i * i).boxed().collect(Collectors.toList()));
  }

  @Test
  void aCapturedValueThatCannotTravelIsNamedWithItsTaskAndField() {
    Handle handle = new Handle(3);
    List<Task<Integer>> tasks = new ArrayList<>();
    tasks.add(delayed(() -> 1));
    tasks.add(delayed(() -> handle.value));
    TaskSerializationException e =
        catchThrowableOfType(
            () -> Parallel.builder().nJobs(2).batchSize(1).backend("verify").build().run(tasks),
            TaskSerializationException.class);
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e.getMessage())
        .startsWith(
            "Could not serialize the task to send it to the workers. Task 1 cannot be serialized: java.io.NotSerializableException: "
                + Handle.class.getName())
        .contains("captured value 0 (" + Handle.class.getName() + ")")
        .endsWith(
            "Make that class Serializable, mark the field transient, or run this call on the threading backend.");
  }

  @Test
  void anArgumentThatCannotTravelIsRefusedBeforeItsBatchRuns() {
    TaskSerializationException e =
        catchThrowableOfType(
            () -> verify().run(List.of(delayed(h -> h.value, new Handle(5)))),
            TaskSerializationException.class);
    assertThat(e.taskIndex()).isZero();
    assertThat(e.getMessage())
        .contains("java.io.NotSerializableException: " + Handle.class.getName());
  }

  @Test
  void aResultThatCannotTravelIsNamedWithItsTasks() {
    TaskSerializationException e =
        catchThrowableOfType(
            () -> verify().run(List.of(delayed(() -> new Handle(1)))),
            TaskSerializationException.class);
    assertThat(e.taskIndex()).isZero();
    assertThat(e.getMessage())
        .isEqualTo(
            "A result of tasks 0..0 could not be serialized, which the loky, multiprocessing, dask and ray backends need: java.io.NotSerializableException: "
                + Handle.class.getName()
                + ". Return a Serializable value.");
  }

  @Test
  void aResultThatRefusesToBeWrittenIsReported() {
    TaskSerializationException e =
        catchThrowableOfType(
            () -> verify().run(List.of(delayed(Unwritable::new))),
            TaskSerializationException.class);
    assertThat(e.getMessage()).contains("java.io.IOException: refuses to be written");
  }

  @Test
  void anExceptionThatCannotTravelBackIsNamedWithItsTask() {
    List<Task<Integer>> tasks = new ArrayList<>();
    tasks.add(delayed(() -> 1));
    tasks.add(
        delayed(
            () -> {
              throw new UnwritableFailure();
            }));
    TaskSerializationException e =
        catchThrowableOfType(
            () -> Parallel.builder().nJobs(2).batchSize(1).backend("verify").build().run(tasks),
            TaskSerializationException.class);
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e.getMessage())
        .startsWith(
            "The exception of task 1 could not travel back, which the loky, multiprocessing, dask and ray backends need: java.io.NotSerializableException: "
                + Handle.class.getName())
        .endsWith(
            "(the exception: "
                + UnwritableFailure.class.getName()
                + ": fails with a field that cannot travel)");
  }

  /**
   * Before: verify serialized a value shared by every task once per batch (the grid search of the
   * example ran at 0.75x of n_jobs=1); loky and multiprocessing send it once per call.
   */
  @Test
  void aLargeValueTheTasksShareTravelsOncePerCallAlsoOnAKeptOpenParallel() {
    double[][] data = new double[64][256]; // 128 KiB: above the 64 KiB auto-sharing threshold
    data[3][7] = 2.5;
    try (Parallel kept = Parallel.builder().nJobs(2).backend("verify").batchSize(1).build()) {
      for (int call = 0; call < 2; call++) {
        long before = org.joblib4j.process.TransferCounters.sharedValuesSerialized();
        List<Double> seen =
            kept.run(
                IntStream.range(0, 8)
                    .mapToObj(
                        i ->
                            delayed(
                                (double[][] d) -> {
                                  double v = d[3][7];
                                  d[3][7] =
                                      -1; // a copy: neither the caller nor another call sees it
                                  return v;
                                },
                                data)));
        assertThat(org.joblib4j.process.TransferCounters.sharedValuesSerialized() - before)
            .as("call %d", call)
            .isEqualTo(1);
        assertThat(seen).hasSize(8).contains(2.5);
      }
    }
    assertThat(data[3][7]).isEqualTo(2.5);
  }

  @Test
  void tasksGetCopiesAsInAnotherJvm() {
    int[] shared = new int[4];
    verify().run(IntStream.range(0, 4).mapToObj(i -> delayed(a -> a[i] = 1, shared)));
    // on threading the caller's array would now hold ones: here, as on loky, it is untouched
    assertThat(shared).containsOnly(0);
    Object[] same = {"x"};
    List<Object[]> back = verify().run(List.of(delayed(a -> a, same)));
    assertThat(back.get(0)).isNotSameAs(same).containsExactly("x");
  }

  @Test
  void aTasksOwnExceptionArrivesAsACopyOfTheSameType() {
    IllegalStateException e =
        catchThrowableOfType(
            () ->
                verify()
                    .run(
                        List.of(
                            delayed(
                                () -> {
                                  throw new IllegalStateException("boom");
                                }))),
            IllegalStateException.class);
    assertThat(e).hasMessage("boom");
  }

  @Test
  void unknownOptionsAreRefused() {
    assertThat(
            catchThrowableOfType(
                () ->
                    Parallel.builder()
                        .backend("verify", java.util.Map.of("shuffle", "true"))
                        .build()
                        .run(List.of(delayed(() -> 1))),
                org.joblib4j.ParallelConfigurationException.class))
        .hasMessage(
            "Invalid option 'shuffle' for backend 'verify' (joblib4j.backend.verify.shuffle). Known options: [delay, seed, worker-death-rate]");
  }

  @Test
  void batchesDelayedAtRandomStillGiveResultsInInputOrder() {
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .backend("verify", java.util.Map.of("delay", "20ms", "seed", 7))
            .build();
    List<Integer> r = p.run(IntStream.range(0, 30).mapToObj(i -> delayed(x -> x + 1, i)));
    assertThat(r).isEqualTo(IntStream.range(1, 31).boxed().collect(Collectors.toList()));
    List<Integer> unordered = new ArrayList<>();
    Parallel.builder()
        .nJobs(2)
        .batchSize(1)
        .returnAs(org.joblib4j.ReturnAs.GENERATOR_UNORDERED)
        .backend("verify", java.util.Map.of("delay", "20ms", "seed", 7))
        .build()
        .<Integer>iterate(IntStream.range(0, 30).mapToObj(i -> delayed(x -> x, i)))
        .forEachRemaining(unordered::add);
    assertThat(unordered)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 30).boxed().collect(Collectors.toList()));
  }

  @Test
  void aWorkerThatDiesFailsTheCallAsOnLoky() {
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .backend("verify", java.util.Map.of("worker-death-rate", 1.0))
            .build();
    org.joblib4j.WorkerTerminatedException e =
        catchThrowableOfType(
            () -> p.run(List.of(delayed(() -> 1))), org.joblib4j.WorkerTerminatedException.class);
    assertThat(e)
        .hasMessage(
            "A worker process managed by the executor was unexpectedly terminated (simulated by the verify backend,"
                + " worker-death-rate=1.0, while it ran tasks 0..0).");
  }

  @Test
  void underCollectEachTaskOfADeadWorkersBatchHasThatFailure() {
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .errorPolicy(org.joblib4j.ErrorPolicy.COLLECT)
            .backend("verify", java.util.Map.of("worker-death-rate", 0.5, "seed", 3))
            .build();
    List<org.joblib4j.Outcome<Integer>> outcomes =
        p.runOutcomes(IntStream.range(0, 40).mapToObj(i -> delayed(x -> x, i)));
    assertThat(outcomes).hasSize(40);
    assertThat(outcomes)
        .anySatisfy(
            o ->
                assertThat(o.failure()).isInstanceOf(org.joblib4j.WorkerTerminatedException.class));
    assertThat(outcomes).anySatisfy(o -> assertThat(o.failure()).isNull());
  }

  @Test
  void aDeathRateOutsideZeroToOneIsRefused() {
    assertThat(
            catchThrowableOfType(
                () ->
                    Parallel.builder()
                        .backend("verify", java.util.Map.of("worker-death-rate", 2))
                        .build()
                        .run(List.of(delayed(() -> 1))),
                org.joblib4j.ParallelConfigurationException.class))
        .hasMessage(
            "Invalid value '2' for joblib4j.backend.verify.worker-death-rate: must be a probability from 0 to 1.");
  }

  static final java.util.Set<Integer> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static int recordStart(int i) {
    STARTED.add(i);
    if (i == 0) {
      throw new IllegalStateException("task 0 fails");
    }
    return i;
  }

  @Test
  void aBatchStillInItsDelayWhenTheCallFailsNeverStarts() {
    STARTED.clear();
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .backend("verify", java.util.Map.of("delay", "300ms", "seed", 11))
            .build();
    catchThrowableOfType(
        () ->
            p.run(
                IntStream.range(0, 20)
                    .mapToObj(i -> delayed(VerifyingBackendTest::recordStart, i))),
        IllegalStateException.class);
    int startedWhenItFailed = STARTED.size();
    // batches dispatched ahead wait out their delays (below 300 ms) in this time: none may start
    org.awaitility.Awaitility.await()
        .during(java.time.Duration.ofMillis(500))
        .atMost(java.time.Duration.ofSeconds(2))
        .until(() -> STARTED.size() == startedWhenItFailed);
    assertThat(STARTED).hasSizeLessThan(20);
  }

  @Test
  void withoutTheWorkerJvmToolkitVerifySaysWhatToAdd() {
    // a loader that sees the JDK only, as an application without org.joblib4j:parallel-process
    ClassLoader jdkOnly = new java.net.URLClassLoader(new java.net.URL[0], null);
    assertThatThrownBy(() -> VerifyingBackendProvider.requireToolkit(jdkOnly))
        .isInstanceOf(org.joblib4j.ParallelConfigurationException.class)
        .hasMessage(
            "The verify backend runs tasks through the process backends' serialization, which is in"
                + " org.joblib4j:parallel-process: add that artifact (loky, multiprocessing, dask and"
                + " ray bring it) to use verify.");
    // with it (this module's tests have it), nothing is said
    VerifyingBackendProvider.requireToolkit(VerifyingBackendTest.class.getClassLoader());
  }
}
