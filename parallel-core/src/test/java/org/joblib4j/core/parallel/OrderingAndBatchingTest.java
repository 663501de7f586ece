package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.core.parallel.TestSupport.squares;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.tck.support.StdCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Results in input order, lazy input, dispatch races. */
@ExtendWith(ThreadingDouble.class)
class OrderingAndBatchingTest {

  static Stream<Arguments> backendsJobsVerbosity() {
    List<Arguments> args = new ArrayList<>();
    for (String backend :
        new String[] {
          null, "sequential", "threading", "sequential-instance", "threading-instance"
        }) {
      for (int nJobs : new int[] {1, 2, -1, -2}) {
        for (int verbose : new int[] {2, 11, 100}) {
          args.add(Arguments.of(backend, nJobs, verbose));
        }
      }
    }
    return args.stream();
  }

  private static Parallel.Builder withBackend(Parallel.Builder b, String backend) {
    if (backend == null) {
      return b;
    }
    if (backend.endsWith("-instance")) {
      return b.backend(TestSupport.newBackend(backend.substring(0, backend.indexOf('-'))));
    }
    return b.backend(backend);
  }

  // joblib: test_parallel.py::test_simple_parallel, test_parallel.py::test_parallel_kwargs
  @ParameterizedTest(name = "backend={0} n_jobs={1} verbose={2}")
  @MethodSource("backendsJobsVerbosity")
  void resultsComeBackInInputOrder(String backend, int nJobs, int verbose) {
    Parallel p = withBackend(Parallel.builder().nJobs(nJobs).verbose(verbose), backend).build();
    List<Integer> result;
    try (StdCapture ignored = StdCapture.start()) {
      result = p.run(IntStream.range(0, 5).mapToObj(x -> delayed(TestSupport::square, x)));
    }
    assertThat(result).containsExactly(0, 1, 4, 9, 16);
  }

  static int f(int x, int y) {
    return x * x + y;
  }

  @ParameterizedTest(name = "keyword-style arguments n_jobs={0}")
  @ValueSource(ints = {1, 2, 3})
  void argumentsReachTheTask(int nJobs) {
    List<Integer> result =
        Parallel.builder()
            .nJobs(nJobs)
            .build()
            .run(IntStream.range(0, 10).mapToObj(x -> delayed(OrderingAndBatchingTest::f, x, 1)));
    assertThat(result)
        .isEqualTo(IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList()));
  }

  @Test
  void completionOrderNeverLeaksIntoTheList() {
    // task 0 finishes last: it waits until every other task has run
    java.util.concurrent.CountDownLatch others = new java.util.concurrent.CountDownLatch(7);
    List<Task<Integer>> tasks = new ArrayList<>();
    tasks.add(
        () -> {
          others.await(10, java.util.concurrent.TimeUnit.SECONDS);
          return 0;
        });
    for (int i = 1; i < 8; i++) {
      int x = i;
      tasks.add(
          () -> {
            others.countDown();
            return x * x;
          });
    }
    List<Integer> result = Parallel.builder().nJobs(2).backend("threading").build().run(tasks);
    assertThat(result).containsExactly(0, 1, 4, 9, 16, 25, 36, 49);
  }

  // joblib: test_parallel.py::test_parallel_with_exhausted_iterator
  @ParameterizedTest(name = "empty input, backend={0}")
  @ValueSource(strings = {"threading", "sequential"})
  void emptyInputGivesAnEmptyList(String backend) {
    Parallel p = Parallel.builder().nJobs(2).backend(backend).build();
    Iterable<Task<Integer>> exhausted = Collections::emptyIterator;
    List<Integer> fromIterator = p.run(exhausted);
    List<Integer> fromList = p.run(List.<Task<Integer>>of());
    List<Integer> fromStream = p.run(Stream.<Task<Integer>>empty());
    assertThat(fromIterator).isEmpty();
    assertThat(fromList).isEmpty();
    assertThat(fromStream).isEmpty();
  }

  @Test
  void emptyInputOnTheDefaultBackend() {
    assertThat(Parallel.builder().nJobs(2).build().<Integer>run(List.of())).isEmpty();
    assertThat(Parallel.builder().nJobs(2).build().map(x -> x, List.of())).isEmpty();
  }

  /** A producer that records each item it hands out, as joblib's {@code producer()} does. */
  private static Iterable<Task<Object>> producer(List<String> queue, int n) {
    return () ->
        new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < n;
          }

          @Override
          public Task<Object> next() {
            int x = i++;
            queue.add("Produced " + x);
            return delayed(OrderingAndBatchingTest::consumer, queue, x);
          }
        };
  }

  private static Object consumer(List<String> queue, Object x) {
    queue.add("Consumed " + x);
    return null;
  }

  static Stream<Arguments> a07Cases() {
    List<String> bs1 = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      bs1.add("Produced " + i);
      bs1.add("Consumed " + i);
    }
    List<String> bs4 =
        List.of(
            "Produced 0",
            "Produced 1",
            "Produced 2",
            "Produced 3",
            "Consumed 0",
            "Consumed 1",
            "Consumed 2",
            "Consumed 3",
            "Produced 4",
            "Produced 5",
            "Consumed 4",
            "Consumed 5");
    List<Arguments> args = new ArrayList<>();
    for (String backend : new String[] {null, "threading", "sequential"}) {
      args.add(Arguments.of(backend, 1, bs1));
      args.add(Arguments.of(backend, 4, bs4));
    }
    return args.stream();
  }

  // joblib: test_parallel.py::test_dispatch_one_job
  @ParameterizedTest(name = "n_jobs=1 is a lazy loop, backend={0} batch_size={1}")
  @MethodSource("a07Cases")
  void nJobsOneIsALazyLoop(String backend, int batchSize, List<String> expected) {
    List<String> queue = Collections.synchronizedList(new ArrayList<>());
    Parallel.Builder b = Parallel.builder().nJobs(1).batchSize(batchSize);
    if (backend != null) {
      b.backend(backend);
    }
    b.build().run(producer(queue, 6));
    assertThat(queue).containsExactlyElementsOf(expected).hasSize(12);
  }

  static Stream<Arguments> a09Cases() {
    return Stream.of(
        Arguments.of(2, 2, "all", null),
        Arguments.of(2, 2, "n_jobs", null),
        Arguments.of(10, 2, "n_jobs", null),
        Arguments.of(517, 2, "n_jobs", null),
        Arguments.of(10, 4, "n_jobs", null),
        Arguments.of(200, 12, "n_jobs", null),
        Arguments.of(25, 12, "2 * n_jobs", 1),
        Arguments.of(250, 12, "all", 1),
        Arguments.of(250, 12, "2 * n_jobs", 7),
        Arguments.of(200, 12, "2 * n_jobs", null));
  }

  // joblib: test_parallel.py::test_dispatch_race_condition
  @ParameterizedTest(name = "n_tasks={0} n_jobs={1} pre_dispatch={2} batch_size={3}")
  @MethodSource("a09Cases")
  void noDispatchRace(int nTasks, int nJobs, String preDispatch, Integer batchSize) {
    for (int round = 0; round < 5; round++) {
      Parallel.Builder b = Parallel.builder().nJobs(nJobs).preDispatch(preDispatch);
      if (batchSize != null) {
        b.batchSize(batchSize);
      }
      // the input is a plain, non-thread-safe iterator: the engine must pull it under its lock
      List<Integer> result =
          b.build().run(TestSupport.generator(nTasks, x -> delayed(TestSupport::square, x)));
      assertThat(result).isEqualTo(squares(nTasks));
    }
  }

  // joblib: test_parallel.py::test_dispatch_multiprocessing
  @Test
  void preDispatchLimitsHowFarAheadTheInputIsRead() {
    List<String> queue = Collections.synchronizedList(new ArrayList<>());
    Iterable<Task<Object>> tasks =
        () ->
            new Iterator<>() {
              private int i;

              @Override
              public boolean hasNext() {
                return i < 6;
              }

              @Override
              public Task<Object> next() {
                queue.add("Produced " + i++);
                return delayed(OrderingAndBatchingTest::consumer, queue, "any");
              }
            };
    Parallel.builder().nJobs(2).batchSize(1).preDispatch(3).backend("threading").build().run(tasks);

    List<String> snapshot = new ArrayList<>(queue);
    assertThat(snapshot).hasSize(12);
    assertThat(snapshot.get(0)).isEqualTo("Produced 0");
    int firstConsumed = snapshot.indexOf("Consumed any");
    assertThat(firstConsumed).isBetween(0, 3);
    assertThat(snapshot.indexOf("Produced 3")).isGreaterThan(firstConsumed);
  }
}
