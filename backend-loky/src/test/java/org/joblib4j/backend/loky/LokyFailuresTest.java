package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.PARENT_PID;
import static org.joblib4j.backend.loky.LokyTestSupport.awaitAllDead;
import static org.joblib4j.backend.loky.LokyTestSupport.chainHas;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;
import static org.joblib4j.backend.loky.LokyTestSupport.pidFiles;
import static org.joblib4j.backend.loky.LokyTestSupport.warm;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.Task;
import org.joblib4j.TaskOrigin;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.tck.TooLargeForTheCaller;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What reaches the caller when a worker dies, when a task or its result cannot travel, when a task
 * fails, and what timeout and the first error do to stuck workers. After each failure the pool must
 * serve the next call.
 */
class LokyFailuresTest {
  /** loky's TerminatedWorkerError text, up to the exit codes. */
  static final String TERMINATED =
      "A worker process managed by the executor was unexpectedly terminated. This could be caused"
          + " by a segmentation fault while calling the function or by an excessive memory usage"
          + " causing the Operating System to kill the worker.\n\nThe exit codes of the workers are ";

  static final Duration AT_ONCE = Duration.ofSeconds(20);

  private Set<Long> pool;

  @BeforeEach
  void warmPool() {
    pool = warm(2);
  }

  /** The pool serves a call correctly, and none of {@code gone} is among its workers. */
  static void assertPoolServesWithout(Set<Long> gone) {
    List<Long> pids =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                loky(2)
                    .build()
                    .<Long>run(IntStream.range(0, 6).mapToObj(i -> delayed(LokyTestSupport::pid))));
    assertThat(pids).hasSize(6).doesNotContain(PARENT_PID);
    assertThat(gone).allSatisfy(p -> assertThat(pids).doesNotContain(p));
    List<Integer> squares =
        loky(2)
            .build()
            .run(IntStream.range(0, 10).mapToObj(i -> delayed(LokyTestSupport::square, i)));
    assertThat(squares)
        .isEqualTo(IntStream.range(0, 10).map(i -> i * i).boxed().collect(Collectors.toList()));
    // a worker killed to stop an aborted call is replaced as soon as the kill is reaped
    await("the pool back at two workers")
        .atMost(AT_ONCE)
        .until(() -> LokyBackend.workerPids().size() == 2);
    List<Long> now = LokyBackend.workerPids();
    assertThat(gone).allSatisfy(p -> assertThat(now).doesNotContain(p));
  }

  /** Fails once another task of the call has recorded its pid in {@code dir}. */
  static int failOnceAnotherTaskRuns(String dir) {
    // runs in a worker JVM: the other task is in another JVM, so the file is the only signal
    await("task 1 to start").atMost(AT_ONCE).until(() -> !pidFiles(dir).isEmpty());
    throw new IllegalArgumentException("task 0 fails while task 1 runs");
  }

  // joblib: LokyBackend.abort_everything(ensure_ready=True) re-creates the executor at once
  @Test
  void aWorkerKilledToStopAnAbortedCallIsReplacedBeforeTheNextCall(@TempDir Path dir) {
    warm(2);
    String pids = dir.toString();
    List<Task<Long>> tasks =
        List.of(
            delayed(() -> (long) failOnceAnotherTaskRuns(pids)),
            delayed(LokyTestSupport::writePidThenSleep, pids, 60_000L));
    assertThatThrownBy(
            () -> assertTimeoutPreemptively(AT_ONCE, () -> loky(2).batchSize(1).build().run(tasks)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task 0 fails while task 1 runs");
    long victim = pidFiles(dir.toString()).iterator().next();
    awaitAllDead(Set.of(victim), AT_ONCE);
    // no call is running: the replacement starts anyway, so the next call finds it ready
    await("a replacement for the killed worker")
        .atMost(AT_ONCE)
        .until(() -> LokyBackend.workerPids().size() == 2);
    assertThat(LokyBackend.workerPids()).doesNotContain(victim);
  }

  // ------------------------------------------------------------------ worker exits, kills, crashes

  static int exitWith(int code) {
    System.exit(code);
    return code;
  }

  static int haltWith(int code) {
    Runtime.getRuntime().halt(code);
    return code;
  }

  @ParameterizedTest(name = "{0}(7) in a task")
  @ValueSource(strings = {"System.exit", "Runtime.halt"})
  void aWorkerThatExitsFailsTheCallAndIsReplaced(String how) {
    Task<Integer> task =
        how.equals("System.exit")
            ? delayed(LokyFailuresTest::exitWith, 7)
            : delayed(LokyFailuresTest::haltWith, 7);
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE, () -> catchThrowable(() -> loky(2).build().run(List.of(task))));
    assertThat(e)
        .isInstanceOf(WorkerTerminatedException.class)
        .message()
        .startsWith(TERMINATED + "{EXIT(7)}");
    Set<Long> dead = new HashSet<>(pool);
    dead.retainAll(deadPidsAmong(pool));
    assertThat(dead).hasSize(1);
    assertThat(e.getMessage()).contains(Long.toString(dead.iterator().next()));
    assertPoolServesWithout(dead);
  }

  static Set<Long> deadPidsAmong(Set<Long> pids) {
    await().atMost(AT_ONCE).until(() -> pids.stream().anyMatch(p -> !LokyTestSupport.alive(p)));
    return pids.stream().filter(p -> !LokyTestSupport.alive(p)).collect(Collectors.toSet());
  }

  @ParameterizedTest(name = "{0} from outside")
  @ValueSource(strings = {"SIGKILL", "SIGTERM"})
  void aKilledWorkerFailsTheCallAtOnceAndIsReplaced(String signal, @TempDir Path dir)
      throws Exception {
    CompletableFuture<List<Long>> call =
        CompletableFuture.supplyAsync(
            () ->
                loky(2)
                    .build()
                    .run(
                        List.of(
                            delayed(LokyTestSupport::writePidThenSleep, dir.toString(), 60_000L))));
    await("the task to start").atMost(AT_ONCE).until(() -> !pidFiles(dir.toString()).isEmpty());
    long victim = pidFiles(dir.toString()).iterator().next();
    assertThat(pool).contains(victim);
    ProcessHandle handle = ProcessHandle.of(victim).orElseThrow();
    if (signal.equals("SIGKILL")) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }
    // the task would sleep a minute: the call must fail as soon as the worker is gone
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> call.get(AT_ONCE.toSeconds(), TimeUnit.SECONDS));
    String code = signal.equals("SIGKILL") ? "{SIGKILL(-9)}" : "{SIGTERM(-15)}";
    assertThat(e.getCause())
        .isInstanceOf(WorkerTerminatedException.class)
        .message()
        .startsWith(TERMINATED + code)
        .contains(Long.toString(victim));
    assertPoolServesWithout(Set.of(victim));
  }

  // joblib: loky: tests/_test_process_executor.py::ExecutorTest::test_killed_child
  @Test
  void pendingTasksOfTheCallFailWithTheDeadWorker() {
    // several tasks; one kills its worker: the call fails as a whole, never hangs
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .batchSize(1)
                            .build()
                            .run(
                                IntStream.range(0, 8)
                                    .mapToObj(
                                        i ->
                                            i == 3
                                                ? delayed(LokyFailuresTest::haltWith, 3)
                                                : delayed(LokyTestSupport::square, i)))));
    assertThat(e)
        .isInstanceOf(WorkerTerminatedException.class)
        .message()
        .startsWith(TERMINATED + "{EXIT(3)}");
    assertPoolServesWithout(deadPidsAmong(pool));
  }

  // ------------------------------------------------------------------ tasks that cannot be
  // serialized

  /** Not serializable. */
  static final class Connection {
    final String name;

    Connection(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return "Connection(" + name + ")";
    }
  }

  /** Serializable, but refuses (loky's ErrorAtPickle). */
  static final class ErrorAtPickle implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      throw new IllegalStateException("123");
    }
  }

  static String describe(Object o) {
    return String.valueOf(o);
  }

  @Test
  void aNonSerializableArgumentFailsInTheCallerNamingTaskAndClass() {
    // 6 tasks, batches of 3 (joblib cuts batch_size * n_jobs tasks into n_jobs batches): the bad
    // task is in the first batch, so nothing is sent and no worker is involved
    Throwable e =
        catchThrowable(
            () ->
                loky(2)
                    .batchSize(3)
                    .preDispatch("all")
                    .build()
                    .run(
                        IntStream.range(0, 6)
                            .mapToObj(
                                i ->
                                    delayed(
                                        LokyFailuresTest::describe,
                                        i == 2 ? new Connection("db") : (Object) ("ok" + i)))));
    assertThat(e).isInstanceOf(TaskSerializationException.class);
    TaskSerializationException t = (TaskSerializationException) e;
    assertThat(t.taskIndex()).isEqualTo(2);
    assertThat(t.getMessage()).contains("Task 2").contains(Connection.class.getName());
    assertThat(t).hasCauseInstanceOf(NotSerializableException.class);
    // thrown in the caller's thread, by the serialization
    assertThat(Arrays.stream(t.getCause().getStackTrace()).map(StackTraceElement::getClassName))
        .contains("java.io.ObjectOutputStream");
    assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(pool);
    assertPoolKeepsItsWorkers();
  }

  @Test
  void aNonSerializableArgumentInALaterBatchIsNamedByItsIndex() {
    Throwable e =
        catchThrowable(
            () ->
                loky(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 9)
                            .mapToObj(
                                i ->
                                    delayed(
                                        LokyFailuresTest::describe,
                                        i == 6 ? new Connection("db") : (Object) ("ok" + i)))));
    assertThat(e).isInstanceOf(TaskSerializationException.class);
    assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(6);
    assertThat(e.getMessage()).contains("Task 6").contains(Connection.class.getName());
    assertPoolServesWithout(Set.of());
  }

  @Test
  void aNonSerializableCapturedValueIsNamed() {
    Connection conn = new Connection("captured");
    Task<String> bad = () -> conn.toString();
    Throwable e = catchThrowable(() -> loky(2).build().run(List.of(bad)));
    assertThat(e).isInstanceOf(TaskSerializationException.class);
    assertThat(((TaskSerializationException) e).taskIndex()).isZero();
    assertThat(e.getMessage())
        .contains("Task 0")
        .contains("captured value 0 (" + Connection.class.getName() + ")");
    assertThat(e).hasCauseInstanceOf(NotSerializableException.class);
    assertPoolKeepsItsWorkers();
  }

  // joblib: test_parallel.py::test_parallel_pickling, loky:
  // tests/test_reusable_executor.py::TestExecutorDeadLock::test_crashes
  @Test
  void anArgumentWhoseWriteObjectThrowsFailsInTheCaller() {
    Throwable e =
        catchThrowable(
            () ->
                loky(2)
                    .build()
                    .run(
                        IntStream.range(0, 10)
                            .mapToObj(
                                i ->
                                    delayed(
                                        LokyFailuresTest::describe,
                                        (Object) new ErrorAtPickle()))));
    assertThat(e).isInstanceOf(TaskSerializationException.class);
    assertThat(((TaskSerializationException) e).taskIndex()).isZero();
    assertThat(e.getMessage()).contains("Task 0").contains("123");
    assertThat(e).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(e.getCause()).hasMessage("123");
    assertPoolKeepsItsWorkers();
  }

  // joblib: loky: tests/test_reusable_executor.py::TestExecutorDeadLock::test_queue_full_deadlock
  @Test
  void manySerializationFailuresDoNotClogThePool() {
    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(
              () ->
                  loky(2)
                      .build()
                      .run(
                          List.of(
                              delayed(LokyFailuresTest::describe, (Object) new ErrorAtPickle()))))
          .isInstanceOf(TaskSerializationException.class);
    }
    assertPoolKeepsItsWorkers();
  }

  private void assertPoolKeepsItsWorkers() {
    List<Long> pids =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                loky(2)
                    .build()
                    .<Long>run(
                        IntStream.range(0, 10).mapToObj(i -> delayed(LokyTestSupport::pid))));
    assertThat(pool).containsAll(pids);
    assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(pool);
  }

  // ------------------------------------------------------------------ results and tasks that fail
  // to (de)serialize

  /** A result whose writeObject throws in the worker (loky's ErrorAtPickle as a result). */
  static final class RefusesToBeWritten implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      throw new IllegalStateException(
          "result refuses to be serialized in pid " + ProcessHandle.current().pid());
    }
  }

  /** Not serializable at all. */
  static final class PlainResult {}

  /** Reads back only in the JVM that created it (readObject throws anywhere else). */
  static final class OnlyReadableWhereCreated implements Serializable {
    private static final long serialVersionUID = 1L;
    final long createdIn = ProcessHandle.current().pid();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (ProcessHandle.current().pid() != createdIn) {
        throw new InvalidObjectException(
            "created in pid " + createdIn + ", refusing to be read elsewhere");
      }
    }
  }

  static Object returnRefusesToBeWritten() {
    return new RefusesToBeWritten();
  }

  static Object returnPlain() {
    return new PlainResult();
  }

  static Object returnOnlyReadableInWorker() {
    return new OnlyReadableWhereCreated();
  }

  // joblib: loky: tests/test_reusable_executor.py::TestExecutorDeadLock::test_crashes
  @Test
  void aResultThatFailsToSerializeInTheWorkerCarriesTheWorkersException() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .build()
                            .run(
                                IntStream.range(0, 3)
                                    .mapToObj(
                                        i ->
                                            delayed(LokyFailuresTest::returnRefusesToBeWritten)))));
    assertThat(e).isNotNull();
    assertThat(chainHas(e, IllegalStateException.class, "result refuses to be serialized in pid "))
        .as("%s", e)
        .isTrue();
    assertThat(chainHas(e, IllegalStateException.class, "in pid " + PARENT_PID)).isFalse();
    assertPoolServesWithout(Set.of());
  }

  @Test
  void aNonSerializableResultIsReportedWithItsClass() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () -> loky(2).build().run(List.of(delayed(LokyFailuresTest::returnPlain)))));
    assertThat(e).isNotNull();
    assertThat(chainHas(e, NotSerializableException.class, PlainResult.class.getName()))
        .as("%s", e)
        .isTrue();
    assertPoolServesWithout(Set.of());
  }

  // joblib: loky: tests/test_reusable_executor.py::TestExecutorDeadLock::test_crashes
  @Test
  void aResultThatFailsToDeserializeInTheCallerIsReported() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .build()
                            .run(
                                IntStream.range(0, 3)
                                    .mapToObj(
                                        i ->
                                            delayed(
                                                LokyFailuresTest::returnOnlyReadableInWorker)))));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .message()
        .startsWith(
            "A result has failed to un-serialize. Please ensure that the objects returned by the function are always serializable");
    assertThat(chainHas(e, InvalidObjectException.class, "refusing to be read elsewhere"))
        .as("%s", e)
        .isTrue();
    assertPoolServesWithout(Set.of());
  }

  @Test
  void aResultTheCallerHasNoMemoryForFailsItsBatchAndThePoolLivesOn() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .batchSize(1)
                            .build()
                            .run(
                                IntStream.range(0, 4)
                                    .mapToObj(i -> delayed(TooLargeForTheCaller::at, i, 2)))));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .hasCauseInstanceOf(OutOfMemoryError.class)
        .message()
        .matches(String.format(TooLargeForTheCaller.MESSAGE_PATTERN, 2));
    assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(2);
    // the reader threads live: the pool serves the next calls
    assertPoolServesWithout(Set.of());
  }

  /** In a batch of several results, the one the caller cannot read is named by its task. */
  @Test
  void aResultTheCallerHasNoMemoryForInABatchIsNamedByItsTask() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .batchSize(4)
                            .preDispatch("all")
                            .build()
                            .run(
                                IntStream.range(0, 8)
                                    .mapToObj(i -> delayed(TooLargeForTheCaller::at, i, 6)))));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .hasCauseExactlyInstanceOf(OutOfMemoryError.class)
        .message()
        .matches(String.format(TooLargeForTheCaller.IN_A_BATCH_PATTERN, 6, 4, 7));
    assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(6);
    assertPoolServesWithout(Set.of());
  }

  @Test
  void aWorkerStartTimeoutNoJvmCanMeetFailsTheCallClearly() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        Parallel.builder()
                            .backend("loky", java.util.Map.of("worker-start-timeout", "1ms"))
                            .nJobs(2)
                            .build()
                            .run(List.of(delayed(LokyTestSupport::square, 3)))));
    assertThat(e)
        .isInstanceOf(WorkerTerminatedException.class)
        .message()
        .startsWith("A worker JVM (pid ")
        .contains(
            ") did not connect within 1 ms of its start (worker-start-timeout), so it was killed (command: ");
  }

  static String readArgument(Object arg) {
    return "read " + arg;
  }

  // joblib: loky: tests/test_reusable_executor.py::TestExecutorDeadLock::test_crashes, loky:
  // tests/test_reusable_executor.py::test_in_callback_submit_with_crash
  @Test
  void aTaskThatFailsToDeserializeInTheWorkerCarriesTheWorkersException() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .build()
                            .run(
                                List.of(
                                    delayed(
                                        LokyFailuresTest::readArgument,
                                        (Object) new OnlyReadableWhereCreated())))));
    assertThat(e).isInstanceOf(TaskSerializationException.class);
    assertThat(e.getMessage()).contains("failed to un-serialize in worker JVM");
    assertThat(
            chainHas(
                e,
                InvalidObjectException.class,
                "created in pid " + PARENT_PID + ", refusing to be read elsewhere"))
        .as("%s", e)
        .isTrue();
    assertPoolKeepsItsWorkers();
  }

  /** Kills its JVM when read anywhere but where it was created (loky's CExitAtUnpickle). */
  static final class ExitAtUnpickle implements Serializable {
    private static final long serialVersionUID = 1L;
    final long createdIn = ProcessHandle.current().pid();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (ProcessHandle.current().pid() != createdIn) {
        Runtime.getRuntime().halt(0);
      }
    }
  }

  /** Kills its JVM when written (loky's CExitAtPickle, returned by a task). */
  static final class ExitAtPickle implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      Runtime.getRuntime().halt(0);
    }
  }

  static Object returnExitAtPickle() {
    return new ExitAtPickle();
  }

  @ParameterizedTest(name = "the worker exits while {0}")
  @ValueSource(strings = {"reading the task", "writing the result"})
  void aWorkerThatExitsDuringSerializationIsReportedAsTerminated(String when) {
    Task<?> task =
        when.equals("reading the task")
            ? delayed(LokyFailuresTest::readArgument, (Object) new ExitAtUnpickle())
            : delayed(LokyFailuresTest::returnExitAtPickle);
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE, () -> catchThrowable(() -> loky(2).build().run(List.of(task))));
    assertThat(e)
        .isInstanceOf(WorkerTerminatedException.class)
        .message()
        .startsWith(TERMINATED + "{EXIT(0)}");
    assertPoolServesWithout(deadPidsAmong(pool));
  }

  // ------------------------------------------------------------------ task exceptions

  static int raiseIfSeven(int i) {
    if (i == 7) {
      throw new IllegalArgumentException("task " + i + " is seven");
    }
    return i;
  }

  // joblib: loky: tests/_test_process_executor.py::ExecutorTest::test_traceback,
  // test_parallel.py::test_nested_exception_dispatch
  @Test
  void aTaskExceptionIsRethrownAsItselfWithTheWorkersStackAndOrigin() {
    Throwable e =
        catchThrowable(
            () ->
                loky(2)
                    .build()
                    .run(
                        IntStream.range(0, 10)
                            .mapToObj(i -> delayed(LokyFailuresTest::raiseIfSeven, i))));
    assertThat(e).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("task 7 is seven");
    // the worker's stack: the task's function, called by the worker's loop
    assertThat(
            Arrays.stream(e.getStackTrace()).map(f -> f.getClassName() + "." + f.getMethodName()))
        .contains(LokyFailuresTest.class.getName() + ".raiseIfSeven")
        .anyMatch(f -> f.startsWith("org.joblib4j.process.WorkerMain."));
    TaskOrigin origin = LokyTestSupport.origin(e);
    assertThat(origin.taskIndex()).isEqualTo(7);
    assertThat(origin.backendName()).isEqualTo("loky");
    assertThat(origin.getMessage()).contains("Task 7").contains("'loky'");
    long pid = LokyTestSupport.originPid(e);
    assertThat(pid).isNotEqualTo(PARENT_PID);
    assertThat(pool).contains(pid);
  }

  @Test
  void aTaskInALambdaShowsTheLambdasFrames() {
    Task<Integer> t =
        () -> {
          Object o = null;
          return o.hashCode();
        };
    Throwable e = catchThrowable(() -> loky(2).build().run(List.of(t, t)));
    assertThat(e).isExactlyInstanceOf(NullPointerException.class);
    assertThat(Arrays.stream(e.getStackTrace()))
        .anyMatch(
            f ->
                f.getClassName().equals(LokyFailuresTest.class.getName())
                    && f.getMethodName().startsWith("lambda$"));
    assertThat(LokyTestSupport.origin(e).backendName()).isEqualTo("loky");
    assertThat(pool).contains(LokyTestSupport.originPid(e));
  }

  /** An exception that cannot be serialized back (a non-serializable field). */
  static final class HoldsAConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial")
    final Connection conn = new Connection("in-exception");

    HoldsAConnection(String message) {
      super(message);
    }
  }

  static int raiseUnserializable(int i) {
    throw new HoldsAConnection("cannot travel " + i);
  }

  @Test
  void anExceptionThatCannotTravelKeepsItsClassNameMessageAndStack() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .build()
                            .run(List.of(delayed(LokyFailuresTest::raiseUnserializable, 3)))));
    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains(HoldsAConnection.class.getName())
        .contains("cannot travel 3");
    assertThat(Arrays.stream(e.getStackTrace()).map(StackTraceElement::getMethodName))
        .contains("raiseUnserializable");
    assertThat(LokyTestSupport.origin(e).taskIndex()).isZero();
    assertPoolKeepsItsWorkers();
  }

  /** An exception that cannot be read back in the caller. */
  static final class UnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long createdIn = ProcessHandle.current().pid();

    UnreadableException(String message) {
      super(message);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (ProcessHandle.current().pid() != createdIn) {
        throw new InvalidObjectException(
            "exception created in pid " + createdIn + " cannot be read here");
      }
    }
  }

  static int raiseUnreadable(int i) {
    throw new UnreadableException("unreadable " + i);
  }

  @Test
  void anExceptionThatFailsToDeserializeInTheCallerIsReported() {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .build()
                            .run(List.of(delayed(LokyFailuresTest::raiseUnreadable, 1)))));
    assertThat(e).isInstanceOf(TaskSerializationException.class);
    assertThat(e.getMessage()).contains("exception has failed to un-serialize in the caller");
    assertThat(chainHas(e, InvalidObjectException.class, "cannot be read here"))
        .as("%s", e)
        .isTrue();
    assertPoolKeepsItsWorkers();
  }

  // ------------------------------------------------------------------ timeout and the first error

  @Test
  void timeoutKillsTheWorkersRunningStuckTasks(@TempDir Path dir) {
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .batchSize(1)
                            .timeout(Duration.ofSeconds(3))
                            .build()
                            .run(
                                IntStream.range(0, 2)
                                    .mapToObj(
                                        i ->
                                            delayed(
                                                LokyTestSupport::writePidThenSpin,
                                                dir.toString())))));
    assertThat(e)
        .isInstanceOf(ParallelTimeoutException.class)
        .hasCauseInstanceOf(TimeoutException.class)
        .hasMessageContaining("loky");
    Set<Long> stuck = pidFiles(dir.toString());
    assertThat(stuck).isNotEmpty();
    assertThat(pool).containsAll(stuck);
    // spinning tasks ignore interrupts: only killing the worker JVM stops them
    awaitAllDead(stuck, Duration.ofSeconds(10));
    assertPoolServesWithout(stuck);
  }

  @Test
  void theFirstErrorKillsTheWorkersRunningTheCallsOtherTasks(@TempDir Path dir) {
    List<Task<Long>> tasks = new ArrayList<>();
    tasks.add(delayed(LokyTestSupport::writePidThenSpin, dir.toString()));
    tasks.add(delayed(LokyTestSupport::failOnceAPidFileExists, dir.toString(), "first error"));
    Throwable e =
        assertTimeoutPreemptively(
            AT_ONCE,
            // the timeout only guards against a hang of this test
            () ->
                catchThrowable(
                    () -> loky(2).batchSize(1).timeout(Duration.ofSeconds(15)).build().run(tasks)));
    assertThat(e).isExactlyInstanceOf(IllegalStateException.class).hasMessage("first error");
    Set<Long> stuck = pidFiles(dir.toString());
    assertThat(stuck).hasSize(1);
    assertThat(pool).containsAll(stuck);
    awaitAllDead(stuck, Duration.ofSeconds(10));
    assertPoolServesWithout(stuck);
  }

  @Test
  void aFailureOutsideAnyTaskInTheWorkerIsAnsweredAndFailsTheCallClearly() {
    WorkerOnlyFailingPropagator.armed = true;
    Throwable t;
    try {
      t =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  catchThrowable(
                      () ->
                          loky(2)
                              .build()
                              .run(
                                  IntStream.range(0, 4)
                                      .mapToObj(i -> delayed(LokyTestSupport::square, i)))));
    } finally {
      WorkerOnlyFailingPropagator.armed = false;
    }
    assertThat(t)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this propagator cannot restore its state in a worker JVM");
    assertThat(TaskOrigin.of(t)).isPresent();
    // the workers serve on
    assertThat(
            loky(2)
                .build()
                .run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyTestSupport::square, i))))
        .containsExactly(0, 1, 4, 9);
  }
}
