package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.GENEROUS;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.PARENT_PID;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.TERMINATED;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.awaitAllDead;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.pidFiles;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Failures on the multiprocessing backend: task errors come back as themselves with the worker's
 * stack; a worker killed mid-task fails the call at once (never a hang, unlike joblib's
 * multiprocessing); timeout and the first error kill the call's workers.
 */
class MultiprocessingFailuresTest {

  // ------------------------------------------------------------------

  // ------------------------------------------------------------------ killed workers

  @ParameterizedTest(name = "a worker killed mid-task with {0}")
  @ValueSource(strings = {"SIGKILL", "SIGTERM"})
  void aWorkerKilledMidTaskFailsTheCallAtOnce(String signal, @TempDir Path dir) throws Exception {
    String d = dir.toString();
    CompletableFuture<List<Long>> call =
        CompletableFuture.supplyAsync(
            () ->
                mp(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 2)
                            .mapToObj(i -> delayed(MpTestSupport::writePidThenSleep, d, 60_000L))));
    await("a task to start").atMost(GENEROUS).until(() -> !pidFiles(d).isEmpty());
    long victim = pidFiles(d).iterator().next();
    long killedAt = System.nanoTime();
    ProcessHandle handle = ProcessHandle.of(victim).orElseThrow();
    if (signal.equals("SIGKILL")) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }

    Throwable t = unwrap(catchThrowable(() -> call.get(GENEROUS.toSeconds(), TimeUnit.SECONDS)));
    long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
    String code = signal.equals("SIGKILL") ? "{SIGKILL(-9)}" : "{SIGTERM(-15)}";
    assertThat(t).isInstanceOf(WorkerTerminatedException.class);
    assertThat(t.getMessage()).startsWith(TERMINATED + code).contains(Long.toString(victim));
    assertThat(tookMillis)
        .as("the call failed %d ms after the kill (tasks sleep 60 s)", tookMillis)
        .isLessThan(10_000);
    // the first error kills the call's other workers: the second sleeper does not run on
    awaitAllDead(pidFiles(d));
  }

  @Test
  void aTaskThatHaltsItsWorkerFailsTheCallWithItsExitCode() {
    Throwable t =
        assertTimeoutPreemptively(
            GENEROUS,
            () ->
                catchThrowable(
                    () ->
                        mp(2)
                            .batchSize(1)
                            .build()
                            .run(
                                Stream.of(
                                    delayed(MpTestSupport::sleepThenPid, 10L),
                                    delayed(MpTestSupport::halt, 3),
                                    delayed(MpTestSupport::sleepThenPid, 10L)))));
    assertThat(t).isInstanceOf(WorkerTerminatedException.class);
    assertThat(t.getMessage()).contains(TERMINATED + "{EXIT(3)}");
  }

  @Test
  void afterAWorkerCrashAManagedPoolServesTheNextCall() {
    try (Parallel p = mp(2).batchSize(1).build()) {
      Throwable t =
          catchThrowable(
              () ->
                  p.run(
                      Stream.of(
                          delayed(MpTestSupport::halt, 7),
                          delayed(MpTestSupport::sleepThenPid, 10L))));
      assertThat(t).isInstanceOf(WorkerTerminatedException.class);
      assertThat(t.getMessage()).contains("{EXIT(7)}");
      List<Integer> r =
          assertTimeoutPreemptively(
              GENEROUS,
              () -> p.run(IntStream.range(0, 5).mapToObj(x -> delayed(MpTestSupport::square, x))));
      assertThat(r).containsExactly(0, 1, 4, 9, 16);
    }
  }

  // ------------------------------------------------------------------ timeout, first error

  // joblib: test_parallel.py::test_parallel_as_context_manager,
  // test_parallel.py::test_parallel_timeout_fail
  @Test
  void timeoutFailsTheCallAndKillsTheWorkersRunningItsTasks(@TempDir Path dir) {
    String d = dir.toString();
    long start = System.nanoTime();
    Throwable t =
        assertTimeoutPreemptively(
            GENEROUS,
            () ->
                catchThrowable(
                    () ->
                        mp(2)
                            .batchSize(1)
                            // long enough for this call's fresh worker JVMs to start on a loaded
                            // machine
                            .timeout(Duration.ofSeconds(8))
                            .build()
                            .run(
                                IntStream.range(0, 4)
                                    .mapToObj(i -> delayed(MpTestSupport::writePidThenSpin, d)))));
    assertThat(t).isInstanceOf(ParallelTimeoutException.class);
    assertThat(t.getCause()).isInstanceOf(TimeoutException.class);
    assertThat(t.getMessage()).contains("timed out").contains("timeout=8");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    Set<Long> spinners = pidFiles(d);
    assertThat(spinners)
        .as("tasks started before the 8 s timeout")
        .isNotEmpty()
        .doesNotContain(PARENT_PID);
    // a spinning task ignores interrupts and never lets its worker go idle: only a kill ends it
    awaitAllDead(spinners);
  }

  @Test
  void theFirstErrorKillsTheWorkersStillRunningTheCallsTasks(@TempDir Path dir) {
    String d = dir.toString();
    List<Task<Long>> tasks =
        Stream.concat(
                Stream.of(delayed(MpTestSupport::failOnceAnotherPidFileExists, d, "first error")),
                IntStream.range(0, 5).mapToObj(i -> delayed(MpTestSupport::writePidThenSpin, d)))
            .collect(Collectors.toList());
    Throwable t =
        assertTimeoutPreemptively(
            GENEROUS.plusSeconds(10),
            () -> catchThrowable(() -> mp(2).batchSize(1).build().run(tasks)));
    assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("first error");
    Set<Long> spinners = pidFiles(d);
    assertThat(spinners).isNotEmpty();
    awaitAllDead(spinners);
  }

  @Test
  void aManagedPoolServesCallsAfterItsWorkersWereKilledForAnError(@TempDir Path dir) {
    String d = dir.toString();
    try (Parallel p = mp(2).batchSize(1).build()) {
      List<Task<Long>> tasks =
          Stream.concat(
                  Stream.of(delayed(MpTestSupport::failOnceAnotherPidFileExists, d, "first error")),
                  IntStream.range(0, 3).mapToObj(i -> delayed(MpTestSupport::writePidThenSpin, d)))
              .collect(Collectors.toList());
      assertThat(catchThrowable(() -> p.run(tasks))).hasMessage("first error");
      Set<Long> killed = pidFiles(d);
      awaitAllDead(killed);
      List<Long> pids =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  p.run(
                      IntStream.range(0, 6)
                          .mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L))));
      assertThat(pids).hasSize(6).doesNotContainAnyElementsOf(killed).doesNotContain(PARENT_PID);
    }
  }

  // ------------------------------------------------------------------ serialization

  /** Not serializable. */
  static final class Connection {
    @Override
    public String toString() {
      return "Connection";
    }
  }

  /** Serializable, but refuses (joblib's object whose __reduce__ raises RuntimeError("123")). */
  static final class Unpicklable implements Serializable {
    private static final long serialVersionUID = 1L;

    private void writeObject(ObjectOutputStream out) throws IOException {
      throw new IllegalStateException("123");
    }
  }

  /** Reads back only in the JVM that created it. */
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

  static String describe(Object o) {
    return String.valueOf(o);
  }

  static Object returnUnpicklable() {
    return new Unpicklable();
  }

  static Object returnOnlyReadableInWorker() {
    return new OnlyReadableWhereCreated();
  }

  static boolean chainHas(Throwable t, Class<? extends Throwable> type, String text) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c) && c.getMessage() != null && c.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  // joblib: test_parallel.py::test_parallel_with_unpicklable_functions_in_args,
  // test_parallel.py::test_parallel_with_interactively_defined_functions
  @Test
  void aNonSerializableTaskFailsInTheCallerAndASerializableOneWorks() {
    Connection conn = new Connection();
    Task<String> bad = () -> conn.toString();
    try (Parallel p = mp(2, MpTestSupport.KEEP_IDLE).build()) {
      Throwable t = catchThrowable(() -> p.run(List.of(bad)));
      assertThat(t)
          .isInstanceOf(TaskSerializationException.class)
          .hasCauseInstanceOf(NotSerializableException.class);
      assertThat(((TaskSerializationException) t).taskIndex()).isZero();
      assertThat(t.getMessage()).contains("Task 0").contains(Connection.class.getName());
      assertThat(p.map(MpTestSupport::square, List.of(1, 2, 3))).containsExactly(1, 4, 9);
    }
  }

  @Test
  void serializationErrorsSurfacePromptlyAndTheNextCallWorks() {
    try (Parallel p = mp(2).build()) {
      // an argument that refuses to be serialized: found in the caller, before anything is sent
      Throwable arg =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  catchThrowable(
                      () ->
                          p.run(
                              IntStream.range(0, 4)
                                  .mapToObj(
                                      i ->
                                          delayed(
                                              MultiprocessingFailuresTest::describe,
                                              (Object) new Unpicklable())))));
      assertThat(arg)
          .isInstanceOf(TaskSerializationException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThat(arg.getCause()).hasMessage("123");
      // a result that refuses to be serialized in the worker
      Throwable result =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  catchThrowable(
                      () ->
                          p.run(
                              IntStream.range(0, 3)
                                  .mapToObj(
                                      i ->
                                          delayed(
                                              MultiprocessingFailuresTest::returnUnpicklable)))));
      assertThat(result).isNotNull();
      assertThat(chainHas(result, IllegalStateException.class, "123")).as("%s", result).isTrue();
      // a result that fails to deserialize in the caller
      Throwable back =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  catchThrowable(
                      () ->
                          p.run(
                              IntStream.range(0, 3)
                                  .mapToObj(
                                      i ->
                                          delayed(
                                              MultiprocessingFailuresTest
                                                  ::returnOnlyReadableInWorker)))));
      assertThat(back)
          .isInstanceOf(TaskSerializationException.class)
          .message()
          .startsWith(
              "A result has failed to un-serialize. Please ensure that the objects returned by the function are always serializable");
      assertThat(chainHas(back, InvalidObjectException.class, "refusing to be read elsewhere"))
          .as("%s", back)
          .isTrue();
      List<Integer> r =
          assertTimeoutPreemptively(
              GENEROUS,
              () -> p.run(IntStream.range(0, 5).mapToObj(x -> delayed(MpTestSupport::square, x))));
      assertThat(r).containsExactly(0, 1, 4, 9, 16);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof ExecutionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
