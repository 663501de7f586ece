package org.joblib4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskOrigin;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.tck.support.StdCapture;
import org.joblib4j.tck.support.WorkerProcesses;
import org.junit.jupiter.api.Test;

/**
 * The failures a backend whose tasks run in worker JVMs on the caller's host ({@code loky}, {@code
 * multiprocessing}, a third party's process backend) reports as joblib does: a task's exception
 * comes back as itself with the worker's stack, a checked one wrapped, an {@code Error} unchanged,
 * a crashed worker with its signal and crash report; and the backend serves the next call. Extend
 * it in a test class and name the backend.
 */
public abstract class WorkerJvmFailuresKit {
  /** loky's {@code TerminatedWorkerError} text, up to the exit codes. */
  public static final String TERMINATED =
      "A worker process managed by the executor was unexpectedly terminated. This could be caused"
          + " by a segmentation fault while calling the function or by an excessive memory usage"
          + " causing the Operating System to kill the worker.\n\nThe exit codes of the workers are ";

  /** Long enough for worker JVMs to start on a loaded machine. */
  protected static final Duration AT_ONCE = Duration.ofSeconds(30);

  private static final Pattern WORKER_PID = Pattern.compile("The worker was JVM pid (\\d+)");

  /**
   * The backend's name.
   *
   * @return for example {@code loky}
   */
  protected abstract String backendName();

  /**
   * The backend's parameters.
   *
   * @return none by default
   */
  protected Map<String, Object> backendParameters() {
    return Map.of();
  }

  /**
   * A builder for the backend with two workers.
   *
   * @return the builder
   */
  protected Parallel.Builder parallel() {
    return Parallel.builder().backend(backendName(), backendParameters()).nJobs(2);
  }

  /**
   * Checks that the backend serves a call after losing workers: every task runs in a live worker
   * JVM, none of them one that was lost. A backend with more to check (a shared pool back at its
   * size) overrides it.
   *
   * @param gone the pids of the lost workers
   */
  protected void assertServesWithout(Set<Long> gone) {
    List<Long> pids =
        assertTimeoutPreemptively(
            AT_ONCE,
            () ->
                parallel()
                    .build()
                    .<Long>run(IntStream.range(0, 6).mapToObj(i -> delayed(WorkerProcesses::pid))));
    assertThat(pids).hasSize(6).doesNotContain(ProcessHandle.current().pid());
    assertThat(gone).allSatisfy(p -> assertThat(pids).doesNotContain(p));
  }

  // ------------------------------------------------------------------ tasks (run in worker JVMs)

  static int divide(int x, int y) {
    return x / y;
  }

  /** A 4-argument constructor and nothing else (joblib's MyExceptionWithFinickyInit). */
  static final class FinickyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String a;
    final String d;

    FinickyException(String a, String b, String c, String d) {
      super(String.join(",", a, b, c, d));
      this.a = a;
      this.d = d;
    }
  }

  static int finicky(int i) {
    if (i == 7) {
      throw new FinickyException("a", "b", "c", "d");
    }
    return i;
  }

  static int raiseIfSeven(int i) {
    if (i == 7) {
      throw new IllegalArgumentException("task 7 is seven");
    }
    return i;
  }

  static int readConfig(int i) throws IOException {
    if (i == 1) {
      throw new IOException("config " + i + " is missing");
    }
    return i;
  }

  /** Not an Exception (joblib's KeyboardInterrupt / SystemExit). */
  static final class Interrupt extends Error {
    private static final long serialVersionUID = 1L;

    Interrupt(String message) {
      super(message);
    }
  }

  static int interruptRaiser(int i) {
    throw new Interrupt("interrupt " + i);
  }

  static int square(int x) {
    return x * x;
  }

  /** Writes to address 0 through sun.misc.Unsafe: the worker JVM dies of SIGSEGV. */
  static Object crash() throws ReflectiveOperationException {
    Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
    java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
    f.setAccessible(true);
    unsafeClass.getMethod("putAddress", long.class, long.class).invoke(f.get(null), 0L, 0L);
    return "unreachable";
  }

  // ------------------------------------------------------------------ tests

  // joblib: test_parallel.py::test_error_capture, test_parallel.py::test_exception_dispatch
  @Test
  void aTaskExceptionComesBackAsItselfWithTheWorkersStackAndOrigin() {
    Throwable t =
        catchThrowable(
            () ->
                parallel()
                    .batchSize(1)
                    .build()
                    .run(
                        List.of(
                            delayed(WorkerJvmFailuresKit::divide, 0, 1),
                            delayed(WorkerJvmFailuresKit::divide, 1, 0))));
    assertThat(t).isExactlyInstanceOf(ArithmeticException.class).hasMessage("/ by zero");
    // the worker's stack trace: the task method, run by the worker JVM's main loop
    List<StackTraceElement> stack = Arrays.asList(t.getStackTrace());
    assertThat(stack)
        .anySatisfy(
            e -> {
              assertThat(e.getClassName()).isEqualTo(WorkerJvmFailuresKit.class.getName());
              assertThat(e.getMethodName()).isEqualTo("divide");
            });
    assertThat(stack)
        .anySatisfy(e -> assertThat(e.getClassName()).isEqualTo("org.joblib4j.process.WorkerMain"));
    TaskOrigin origin = WorkerProcesses.origin(t);
    assertThat(origin.taskIndex()).isEqualTo(1);
    assertThat(origin.backendName()).isEqualTo(backendName());
    assertThat(WorkerProcesses.originPid(t)).isNotEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void exceptionsKeepTheirExactClass() {
    Throwable t =
        catchThrowable(
            () ->
                parallel()
                    .build()
                    .run(
                        IntStream.range(0, 30)
                            .mapToObj(i -> delayed(WorkerJvmFailuresKit::finicky, i))));
    assertThat(t).isExactlyInstanceOf(FinickyException.class).hasMessage("a,b,c,d");
    assertThat(((FinickyException) t).a).isEqualTo("a");
    assertThat(((FinickyException) t).d).isEqualTo("d");
    assertThat(WorkerProcesses.origin(t).taskIndex()).isEqualTo(7);
    // among many pre-dispatched batches too
    assertThatThrownBy(
            () ->
                parallel()
                    .preDispatch(16)
                    .build()
                    .run(
                        IntStream.range(0, 30)
                            .mapToObj(i -> delayed(WorkerJvmFailuresKit::raiseIfSeven, i))))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("task 7 is seven")
        .satisfies(e -> assertThat(WorkerProcesses.origin(e).taskIndex()).isEqualTo(7));
  }

  @Test
  void aCheckedExceptionArrivesWrappedInTaskFailedException() {
    Throwable e =
        catchThrowable(
            () ->
                parallel()
                    .build()
                    .run(
                        IntStream.range(0, 4)
                            .mapToObj(i -> delayed(WorkerJvmFailuresKit::readConfig, i))));
    assertThat(e).isExactlyInstanceOf(TaskFailedException.class);
    assertThat(((TaskFailedException) e).taskIndex()).isEqualTo(1);
    assertThat(e.getCause())
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("config 1 is missing");
    assertThat(Arrays.stream(e.getCause().getStackTrace()).map(StackTraceElement::getMethodName))
        .contains("readConfig");
    TaskOrigin origin = WorkerProcesses.origin(e);
    assertThat(origin.taskIndex()).isEqualTo(1);
    assertThat(origin.backendName()).isEqualTo(backendName());
  }

  // joblib: test_parallel.py::test_error_capture
  @Test
  void anErrorThatIsNotAnExceptionPropagatesAndAKeptOpenParallelServesTheNextCall() {
    assertThatThrownBy(
            () ->
                parallel()
                    .build()
                    .run(
                        IntStream.range(0, 4)
                            .mapToObj(i -> delayed(WorkerJvmFailuresKit::interruptRaiser, i))))
        .isExactlyInstanceOf(Interrupt.class)
        .hasMessageStartingWith("interrupt ");
    try (Parallel p = parallel().build()) {
      assertThatThrownBy(
              () ->
                  p.run(
                      IntStream.range(0, 4)
                          .mapToObj(i -> delayed(WorkerJvmFailuresKit::interruptRaiser, i))))
          .isExactlyInstanceOf(Interrupt.class);
      List<Integer> r =
          assertTimeoutPreemptively(
              AT_ONCE,
              () ->
                  p.<Integer>run(
                      IntStream.range(0, 10)
                          .mapToObj(x -> delayed(WorkerJvmFailuresKit::square, x))));
      assertThat(r)
          .isEqualTo(IntStream.range(0, 10).map(x -> x * x).boxed().collect(Collectors.toList()));
    }
  }

  // joblib: loky: tests/test_reusable_executor.py::TestExecutorDeadLock::test_crashes, loky:
  // tests/test_reusable_executor.py::test_faulthandler_enabled
  @Test
  void aWorkerThatCrashesIsReportedWithItsSignalAndCrashReport() {
    Throwable e;
    try (StdCapture std = StdCapture.start()) {
      e =
          assertTimeoutPreemptively(
              AT_ONCE,
              () ->
                  catchThrowable(
                      () ->
                          parallel()
                              .build()
                              .run(
                                  List.of(
                                      delayed(WorkerJvmFailuresKit::crash),
                                      delayed(WorkerJvmFailuresKit::square, 2)))));
      assertThat(e).isInstanceOf(WorkerTerminatedException.class);
      // HotSpot handles the SIGSEGV itself, writes hs_err and aborts: the status may say SIGABRT
      assertThat(e.getMessage())
          .startsWith(TERMINATED)
          .containsPattern("are \\{SIG(ABRT\\(-6\\)|SEGV\\(-11\\))\\}")
          .contains("crash report")
          .contains("hs_err_pid");
      // the worker's crash output reaches the parent's stderr
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(std.err())
                      .as("the parent's stderr (the parent's stdout got: %s)", std.out())
                      .contains("A fatal error has been detected by the Java Runtime Environment")
                      .contains("SIGSEGV"));
    }
    Matcher m = WORKER_PID.matcher(e.getMessage());
    assertThat(m.find()).as("the message names the worker's pid: %s", e.getMessage()).isTrue();
    assertServesWithout(Set.of(Long.parseLong(m.group(1))));
  }
}
