package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.Task;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Errors and fail-fast: a task's failure reaches the caller as itself. */
@ExtendWith(ThreadingDouble.class)
class ErrorsTest {

  /** joblib's {@code MyExceptionWithFinickyInit}: no one-argument constructor. */
  static final class MyExceptionWithFinickyInit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MyExceptionWithFinickyInit(String a, String b, String c, String d) {
      super(a + b + c + d);
    }
  }

  /** joblib's KeyboardInterrupt: a Throwable that is not an Exception. */
  static final class InterruptLikeError extends Error {
    private static final long serialVersionUID = 1L;

    InterruptLikeError(String message) {
      super(message);
    }
  }

  static int division(int x, int y) {
    return x / y;
  }

  static int exceptionRaiser(int i) {
    if (i == 7) {
      throw new IllegalArgumentException("raised by task " + i);
    }
    return i;
  }

  // joblib: test_parallel.py::test_error_capture, test_parallel.py::test_exception_dispatch
  @ParameterizedTest(name = "ArithmeticException on backend={0}")
  @CsvSource({"threading,2", "sequential,2", "threading,1"})
  void divisionByZeroKeepsItsClass(String backend, int nJobs) {
    List<Task<Integer>> tasks =
        List.of(delayed(ErrorsTest::division, 0, 1), delayed(ErrorsTest::division, 1, 0));
    assertThatThrownBy(() -> Parallel.builder().nJobs(nJobs).backend(backend).build().run(tasks))
        .isExactlyInstanceOf(ArithmeticException.class)
        .hasMessage("/ by zero");
  }

  @Test
  void defaultBackendDivisionByZero() {
    List<Task<Integer>> tasks =
        List.of(delayed(ErrorsTest::division, 0, 1), delayed(ErrorsTest::division, 1, 0));
    assertThatThrownBy(() -> Parallel.builder().nJobs(2).build().run(tasks))
        .isExactlyInstanceOf(ArithmeticException.class);
  }

  @ParameterizedTest(name = "finicky exception, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void finickyExceptionArrivesAsItself(int nJobs) {
    MyExceptionWithFinickyInit thrown = new MyExceptionWithFinickyInit("a", "b", "c", "d");
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int x = i;
      tasks.add(
          () -> {
            if (x == 7) {
              throw thrown;
            }
            return x;
          });
    }
    Throwable t =
        catchThrowable(
            () -> Parallel.builder().nJobs(nJobs).backend("threading").build().run(tasks));
    // on threads nothing is copied: the very instance the task threw
    assertThat(t)
        .isSameAs(thrown)
        .isExactlyInstanceOf(MyExceptionWithFinickyInit.class)
        .hasMessage("abcd");
  }

  @Test
  void valueErrorWithPreDispatch16() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .preDispatch(16)
                    .build()
                    .run(
                        IntStream.range(0, 30)
                            .mapToObj(i -> delayed(ErrorsTest::exceptionRaiser, i))))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("raised by task 7");
  }

  @ParameterizedTest(name = "checked exception is wrapped, backend={0} n_jobs={1}")
  @CsvSource({"threading,2", "threading,1", "sequential,1"})
  void checkedExceptionIsWrappedInTaskFailedException(String backend, int nJobs) {
    IOException io = new IOException("disk on fire");
    List<Task<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int x = i;
      tasks.add(
          () -> {
            if (x == 3) {
              throw io;
            }
            return x;
          });
    }
    Throwable t =
        catchThrowable(() -> Parallel.builder().nJobs(nJobs).backend(backend).build().run(tasks));
    assertThat(t).isExactlyInstanceOf(TaskFailedException.class).hasCause(io);
    assertThat(t.getCause()).isSameAs(io);
    assertThat(((TaskFailedException) t).taskIndex()).isEqualTo(3);
    assertThat(t).hasMessage("Task 3 failed: java.io.IOException: disk on fire");
  }

  static Integer raiseRuntimeError123(int unused) {
    throw new IllegalStateException("123"); // some comment
  }

  static Integer raiseOnTwo(int i) {
    return i == 2 ? raiseRuntimeError123(i) : i;
  }

  // joblib: loky: tests/_test_process_executor.py::ExecutorTest::test_traceback,
  // test_parallel.py::test_nested_exception_dispatch
  @ParameterizedTest(name = "the task's own stack and its index, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void theTaskStackTraceAndIndexAreKept(int nJobs) {
    Throwable t =
        catchThrowable(
            () ->
                Parallel.builder()
                    .nJobs(nJobs)
                    .backend("threading")
                    .build()
                    .run(IntStream.range(0, 3).mapToObj(i -> delayed(ErrorsTest::raiseOnTwo, i))));
    assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("123");
    assertThat(t.getStackTrace())
        .anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("raiseRuntimeError123"));
    // the task's index and backend are recorded in a suppressed exception
    assertThat(t.getSuppressed()).hasSize(1);
    assertThat(t.getSuppressed()[0]).isInstanceOf(TaskOrigin.class);
    TaskOrigin origin = (TaskOrigin) t.getSuppressed()[0];
    assertThat(origin.taskIndex()).isEqualTo(2);
    assertThat(origin.backendName()).isEqualTo("threading");
    assertThat(origin.getMessage())
        .startsWith("Task 2 of Parallel(n_jobs=" + nJobs + ") failed on backend 'threading'");
  }

  static int interruptRaiser(int x) {
    throw new InterruptLikeError("interrupted " + x);
  }

  static int f(int x, int y) {
    return x * x + y;
  }

  // joblib: test_parallel.py::test_error_capture
  @Test
  void anErrorPropagatesUnchanged() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .backend("threading")
                    .build()
                    .run(
                        IntStream.range(0, 10)
                            .mapToObj(i -> delayed(ErrorsTest::interruptRaiser, i))))
        .isExactlyInstanceOf(InterruptLikeError.class)
        .hasMessageStartingWith("interrupted ");
  }

  @Test
  void aReusedParallelSurvivesAnErrorAndAFailure() {
    List<Integer> expected =
        IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList());
    try (Parallel p = Parallel.builder().nJobs(2).backend("threading").build()) {
      assertThatThrownBy(
              () ->
                  p.run(
                      IntStream.range(0, 10)
                          .mapToObj(i -> delayed(ErrorsTest::interruptRaiser, i))))
          .isExactlyInstanceOf(InterruptLikeError.class);
      assertThat(p.<Integer>run(IntStream.range(0, 10).mapToObj(x -> delayed(ErrorsTest::f, x, 1))))
          .isEqualTo(expected);
      assertThatThrownBy(() -> p.run(List.of(delayed(ErrorsTest::division, 1, 0))))
          .isExactlyInstanceOf(ArithmeticException.class);
      assertThat(p.<Integer>run(IntStream.range(0, 10).mapToObj(x -> delayed(ErrorsTest::f, x, 1))))
          .isEqualTo(expected);
    }
  }

  // ------------------------------------------------------------------ fail fast

  @Test
  void theFirstErrorStopsDispatchAndAbortsRunningTasks() {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch laterTaskBlocked = new CountDownLatch(1);
    long t0 = System.nanoTime();
    try {
      assertThatThrownBy(
              () ->
                  Parallel.builder()
                      .nJobs(2)
                      .batchSize(1)
                      .backend("threading")
                      .build()
                      .run(
                          TestSupport.generator(
                              100_000,
                              i ->
                                  (Task<Integer>)
                                      () -> {
                                        started.incrementAndGet();
                                        try {
                                          if (i == 5) {
                                            // fail while a later task is running on the other
                                            // worker
                                            laterTaskBlocked.await(10, TimeUnit.SECONDS);
                                            throw new IllegalStateException("stop at 5");
                                          }
                                          if (i > 5) {
                                            laterTaskBlocked.countDown();
                                            try {
                                              never.await(20, TimeUnit.SECONDS);
                                            } catch (InterruptedException e) {
                                              interrupted.incrementAndGet();
                                              throw e;
                                            }
                                          }
                                          return i;
                                        } finally {
                                          finished.incrementAndGet();
                                        }
                                      })))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("stop at 5");
      // the caller does not wait for the tasks still running (joblib: < 20 s, here far less)
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      // running tasks are interrupted, so every task that started ends without the latch
      await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() == started.get());
      assertThat(interrupted.get()).isPositive();
      // dispatch stopped at the failure: only what was in flight ever started
      assertThat(started.get()).isLessThan(20);
    } finally {
      never.countDown();
    }
  }

  @Test
  void anAbortedBatchStopsAtTheNextTask() {
    // two batches of 1000: the first fails at its 6th task while the second is running
    AtomicBoolean callEnded = new AtomicBoolean();
    AtomicInteger startedAfterEnd = new AtomicInteger();
    AtomicInteger secondBatchStarted = new AtomicInteger();
    CountDownLatch secondBatchRunning = new CountDownLatch(1);
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onFinish(ProgressEvent event) {
            callEnded.set(true);
          }
        };
    Iterable<Task<Integer>> tasks =
        TestSupport.generator(
            2_000,
            i ->
                () -> {
                  if (callEnded.get()) {
                    startedAfterEnd.incrementAndGet();
                  }
                  if (i == 5) {
                    secondBatchRunning.await(10, TimeUnit.SECONDS);
                    throw new IllegalStateException("stop at 5");
                  }
                  if (i >= 1_000 && secondBatchStarted.getAndIncrement() == 0) {
                    secondBatchRunning.countDown();
                    // busy (not blocked in an interruptible call) until the call has ended
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!callEnded.get() && System.nanoTime() < deadline) {
                      Thread.onSpinWait();
                    }
                  }
                  return i;
                });
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .batchSize(1_000)
                    .preDispatch("all")
                    .backend("threading")
                    .progress(listener)
                    .build()
                    .run(tasks))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("stop at 5");
    // once the second batch's current task returns, nothing more of it may run
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> secondBatchStarted.get() > 0 && callEnded.get());
    assertThat(startedAfterEnd.get()).isLessThanOrEqualTo(1);
  }

  @Test
  void theFirstErrorIsRaisedEvenWhenLaterTasksAlsoFail() {
    Throwable t =
        catchThrowable(
            () ->
                Parallel.builder()
                    .nJobs(1)
                    .build()
                    .run(
                        IntStream.range(0, 10)
                            .mapToObj(
                                i ->
                                    delayed(
                                        x -> {
                                          if (x >= 3) {
                                            throw new IllegalStateException("failed " + x);
                                          }
                                          return x;
                                        },
                                        i))));
    assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("failed 3");
  }

  // ------------------------------------------------------------------ a failing input iterator

  @ParameterizedTest(name = "an exception from the input iterator reaches the caller, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void anExceptionFromTheInputIteratorReachesTheCaller(int nJobs) {
    IllegalStateException broken = new IllegalStateException("input broke at 5");
    Iterable<Task<Integer>> tasks =
        TestSupport.generator(
            20,
            i -> {
              if (i == 5) {
                throw broken;
              }
              return delayed(x -> x, i);
            });
    Throwable t =
        catchThrowable(
            () ->
                Parallel.builder()
                    .nJobs(nJobs)
                    .batchSize(1)
                    .backend("threading")
                    .build()
                    .run(tasks));
    assertThat(t).isSameAs(broken);
  }

  // joblib: test_parallel.py::test_zero_worker_backend
  @Test
  void zeroWorkerBackendFailsWithAClearError() {
    ZeroWorkerBackend zero = new ZeroWorkerBackend();
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend(zero).open()) {
      assertThatThrownBy(
              () ->
                  Parallel.builder()
                      .nJobs(2)
                      .build()
                      .run(IntStream.range(0, 2).mapToObj(i -> delayed(x -> x, i))))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasMessage("ZeroWorkerBackend has no active worker.");
    }
    assertThat(zero.submitCalls).hasValue(0);
  }
}
