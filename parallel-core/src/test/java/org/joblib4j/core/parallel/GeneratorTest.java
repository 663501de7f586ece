package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Generator modes, errors on iteration, the re-entrancy error, and closing a generator early. */
@ExtendWith(ThreadingDouble.class)
class GeneratorTest {

  private static <T> List<T> drain(ResultIterator<T> it) {
    List<T> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  static int setListValue(List<Integer> list, int index, int value) {
    list.set(index, value);
    return value;
  }

  // joblib: test_parallel.py::test_parallel_return_order_with_return_as_generator_parameter,
  // test_parallel.py::test_multiple_generator_call_separated
  @ParameterizedTest(name = "generator yields in submission order, n_jobs={0}")
  @ValueSource(ints = {1, 2, 4})
  void generatorYieldsInSubmissionOrder(int nJobs) {
    List<Integer> inputList =
        Collections.synchronizedList(new ArrayList<>(Collections.nCopies(5, 0)));
    Parallel p =
        Parallel.builder().nJobs(nJobs).backend("threading").returnAs(ReturnAs.GENERATOR).build();
    List<Integer> yielded =
        drain(
            p.iterate(
                IntStream.range(0, 5)
                    .mapToObj(i -> delayed(GeneratorTest::setListValue, inputList, i, i))));
    assertThat(yielded).isEqualTo(inputList).containsExactly(0, 1, 2, 3, 4);
  }

  static Stream<Arguments> a22bCases() {
    List<Arguments> args = new ArrayList<>();
    for (String backend : new String[] {"threading", "sequential"}) {
      for (ReturnAs first : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
        for (ReturnAs second : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
          for (int nJobs : new int[] {1, 2, -2, -1}) {
            args.add(Arguments.of(backend, first, second, nJobs));
          }
        }
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "two live generators, backend={0} {1}/{2} n_jobs={3}")
  @MethodSource("a22bCases")
  void twoGeneratorsCanBeConsumedInterleaved(
      String backend, ReturnAs first, ReturnAs second, int nJobs) {
    Parallel p1 = Parallel.builder().nJobs(nJobs).backend(backend).returnAs(first).build();
    Parallel p2 = Parallel.builder().nJobs(nJobs).backend(backend).returnAs(second).build();
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    try (ResultIterator<Double> g =
            p1.iterate(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
        ResultIterator<Double> g2 =
            p2.iterate(
                IntStream.range(10, 20).mapToObj(i -> delayed(Math::sqrt, (double) i * i)))) {
      while (g.hasNext() || g2.hasNext()) {
        if (g.hasNext()) {
          a.add(g.next());
        }
        if (g2.hasNext()) {
          b.add(g2.next());
        }
      }
    }
    List<Double> expectedA =
        IntStream.range(0, 10).mapToObj(i -> (double) i).collect(Collectors.toList());
    List<Double> expectedB =
        IntStream.range(10, 20).mapToObj(i -> (double) i).collect(Collectors.toList());
    if (first == ReturnAs.GENERATOR_UNORDERED) {
      Collections.sort(a);
    }
    if (second == ReturnAs.GENERATOR_UNORDERED) {
      Collections.sort(b);
    }
    assertThat(a).isEqualTo(expectedA);
    assertThat(b).isEqualTo(expectedB);
  }

  @Test
  void generatorUnorderedYieldsInCompletionOrder() {
    // task 0 finishes only once the engine has registered the other four results
    CountDownLatch othersRegistered = new CountDownLatch(1);
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onBatchCompleted(ProgressEvent event) {
            if (event.completedTasks() >= 4) {
              othersRegistered.countDown();
            }
          }
        };
    List<Task<Integer>> tasks = new ArrayList<>();
    tasks.add(
        () -> {
          othersRegistered.await(10, TimeUnit.SECONDS);
          return 0;
        });
    for (int i = 1; i < 5; i++) {
      int x = i;
      tasks.add(() -> x);
    }
    Parallel unordered =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .backend("threading")
            .returnAs(ReturnAs.GENERATOR_UNORDERED)
            .progress(listener)
            .build();
    List<Integer> got = drain(unordered.iterate(tasks));
    assertThat(got).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(got.get(4)).isEqualTo(0);
  }

  // ------------------------------------------------------------------ an unreferenced Parallel

  private static ResultIterator<Integer> iterateWithoutKeepingTheParallel(
      List<WeakReference<Parallel>> refs,
      CountDownLatch release,
      Cleaner cleaner,
      CountDownLatch collected) {
    Parallel p =
        Parallel.builder().nJobs(2).backend("threading").returnAs(ReturnAs.GENERATOR).build();
    refs.add(new WeakReference<>(p));
    cleaner.register(p, collected::countDown);
    return p.iterate(
        IntStream.range(0, 4)
            .mapToObj(
                i ->
                    (Task<Integer>)
                        () -> {
                          release.await(10, TimeUnit.SECONDS);
                          return i;
                        }));
  }

  @Test
  void aGeneratorKeepsWorkingWhenItsParallelIsNoLongerReferenced() throws InterruptedException {
    // joblib's generator keeps its Parallel alive: `for x in Parallel(return_as="generator")(...)`
    List<WeakReference<Parallel>> refs = new ArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch collected = new CountDownLatch(1);
    Cleaner cleaner = Cleaner.create();
    try (ResultIterator<Integer> it =
        iterateWithoutKeepingTheParallel(refs, release, cleaner, collected)) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                System.gc();
                return collected.getCount() == 0;
              });
      release.countDown();
      List<Integer> got = new ArrayList<>();
      it.forEachRemaining(got::add);
      assertThat(got).containsExactly(0, 1, 2, 3);
    } finally {
      release.countDown();
    }
  }

  static byte[] getLargeObject(int i) {
    byte[] b = new byte[500_000];
    b[0] = (byte) i;
    return b;
  }

  static Stream<Arguments> a26Cases() {
    List<Arguments> args = new ArrayList<>();
    for (String backend : new String[] {"threading", "sequential"}) {
      for (ReturnAs r : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
        for (int nJobs : new int[] {1, 2, -2, -1}) {
          for (boolean closeIterator : new boolean[] {true, false}) {
            args.add(Arguments.of(backend, r, nJobs, closeIterator));
          }
        }
      }
    }
    return args.stream();
  }

  // joblib: test_parallel.py::test_deadlock_with_generator
  @ParameterizedTest(
      name = "no deadlock on early exit, backend={0} {1} n_jobs={2} closeIterator={3}")
  @MethodSource("a26Cases")
  void earlyExitWithLargeResultsDoesNotDeadlock(
      String backend, ReturnAs returnAs, int nJobs, boolean closeIterator) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          try (Parallel parallel =
              Parallel.builder().nJobs(nJobs).backend(backend).returnAs(returnAs).build()) {
            ResultIterator<byte[]> result =
                parallel.iterate(
                    IntStream.range(0, 10)
                        .mapToObj(i -> delayed(GeneratorTest::getLargeObject, i)));
            assertThat(result.next()).hasSize(500_000);
            assertThat(result.next()).hasSize(500_000);
            if (closeIterator) {
              result.close();
            }
            // else: the iterator is dropped, and leaving the block must abort it (joblib __exit__)
          }
        });
  }

  /** joblib's KeyError. */
  static final class KeyErrorLike extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyErrorLike(String key) {
      super(key);
    }
  }

  static int boom(int i) {
    if (i == 2) {
      throw new KeyErrorLike("k2");
    }
    return i;
  }

  @ParameterizedTest(name = "the error surfaces on iteration, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void errorSurfacesOnIterationNotAtCallTime(int nJobs) {
    Parallel p =
        Parallel.builder().nJobs(nJobs).backend("threading").returnAs(ReturnAs.GENERATOR).build();
    ResultIterator<Integer> g =
        p.iterate(IntStream.range(0, 5).mapToObj(i -> delayed(GeneratorTest::boom, i)));
    List<Integer> seen = new ArrayList<>();
    try (g) {
      Throwable t =
          catchThrowable(
              () -> {
                while (g.hasNext()) {
                  seen.add(g.next());
                }
              });
      assertThat(t).isExactlyInstanceOf(KeyErrorLike.class).hasMessage("k2");
      // nothing at or after index 2, ever
      assertThat(seen).isIn(List.of(), List.of(0), List.of(0, 1));
      Throwable again =
          catchThrowable(
              () -> {
                if (g.hasNext()) {
                  seen.add(g.next());
                }
              });
      if (again != null) {
        assertThat(again).isExactlyInstanceOf(KeyErrorLike.class);
      }
      assertThat(seen).isIn(List.of(), List.of(0), List.of(0, 1));
    }
  }

  // ------------------------------------------------------------------ re-entrancy (joblib
  // test_multiple_generator_call)

  @ParameterizedTest(name = "a running instance rejects a second call, {0}")
  @EnumSource(
      value = ReturnAs.class,
      names = {"GENERATOR", "GENERATOR_UNORDERED"})
  void aRunningInstanceRejectsASecondCall(ReturnAs returnAs) {
    CountDownLatch release = new CountDownLatch(1);
    Parallel parallel = Parallel.builder().nJobs(2).backend("threading").returnAs(returnAs).build();
    try (ResultIterator<Integer> g =
        parallel.iterate(
            IntStream.range(0, 10)
                .mapToObj(
                    i ->
                        (Task<Integer>)
                            () -> {
                              release.await(10, TimeUnit.SECONDS);
                              return i;
                            }))) {
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () -> parallel.run(IntStream.range(0, 100).mapToObj(i -> delayed(x -> x, i))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("This Parallel instance is already running !");
      assertThatThrownBy(() -> parallel.iterate(List.of(delayed(() -> 1))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("This Parallel instance is already running !");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
      release.countDown();
      List<Integer> rest = new ArrayList<>();
      g.forEachRemaining(rest::add);
      assertThat(rest).hasSize(10);
    } finally {
      release.countDown();
    }
    // once the generator is exhausted the instance can be called again
    assertThat(parallel.<Integer>run(List.of(delayed(() -> 42)))).containsExactly(42);
  }

  // ------------------------------------------------------------------ closing early

  @Test
  void closingAGeneratorEarlyCancelsTheRestAndWarns() throws InterruptedException {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch twoAndThreeDone = new CountDownLatch(2);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Iterable<Task<Integer>> tasks =
        TestSupport.generator(
            10_000,
            i ->
                () -> {
                  started.incrementAndGet();
                  try {
                    if (i >= 4) {
                      gate.await(10, TimeUnit.SECONDS);
                    }
                    return i;
                  } finally {
                    finished.incrementAndGet();
                    if (i == 2 || i == 3) {
                      twoAndThreeDone.countDown();
                    }
                  }
                });
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .backend("threading")
            .returnAs(ReturnAs.GENERATOR)
            .build();
    try (LogCapture logs = LogCapture.parallelWarnings()) {
      ResultIterator<Integer> it = p.iterate(tasks);
      assertThat(it.next()).isEqualTo(0);
      assertThat(it.next()).isEqualTo(1);
      assertThat(twoAndThreeDone.await(10, TimeUnit.SECONDS)).isTrue();
      long t0 = System.nanoTime();
      it.close();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(it.hasNext()).isFalse();

      // tasks 2 and 3 were computed and thrown away: joblib's warning says so
      assertThat(logs.warnings())
          .anySatisfy(w -> assertThat(w).contains("tasks have been successfully executed"));
    } finally {
      gate.countDown();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() == started.get());
    // only what had been dispatched ever ran: nowhere near the 10 000 tasks
    assertThat(started.get()).isLessThan(20);
    // and the instance is free again
    assertThat(p.<Integer>run(List.of(delayed(() -> 7)))).containsExactly(7);
  }

  @Test
  void closingAGeneratorEarlyInterruptsTasksStillRunning() {
    CountDownLatch running = new CountDownLatch(2);
    AtomicInteger interrupted = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .returnAs(ReturnAs.GENERATOR_UNORDERED)
            .build();
    try {
      ResultIterator<Integer> it =
          p.iterate(
              IntStream.range(0, 4)
                  .mapToObj(
                      i ->
                          (Task<Integer>)
                              () -> {
                                running.countDown();
                                try {
                                  never.await(20, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                  interrupted.incrementAndGet();
                                  throw e;
                                }
                                return i;
                              }));
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> running.await());
      long t0 = System.nanoTime();
      it.close();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      // the SPI's abortEverything contract: "Threads are interrupted" (both running tasks; a queued
      // one that a freed thread picks up at that moment may be interrupted too)
      await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.get() >= 2);
    } finally {
      never.countDown();
    }
  }

  @Test
  void sequentialBackendIsAcceptedForGenerators() {
    Parallel p = Parallel.builder().backend("sequential").returnAs(ReturnAs.GENERATOR).build();
    assertThat(drain(p.<Integer>iterate(Arrays.asList(delayed(() -> 1), delayed(() -> 2)))))
        .containsExactly(1, 2);
  }
}
