package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.Test;

/** The threading backend itself. */
class ThreadingBackendTest {

  // joblib: test_parallel.py::test_mutate_input_with_threads
  @Test
  void threadsShareMemory() {
    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(5);
    Parallel.builder()
        .nJobs(2)
        .backend("threading")
        .build()
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(() -> q.offer(1))));
    assertThat(q.remainingCapacity()).isZero();

    Object obj = new Object(); // not Serializable: nothing is copied on threads
    List<Object> r =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(x -> x, obj)));
    assertThat(r.get(0)).isSameAs(obj);
    assertThat(r.get(1)).isSameAs(obj);
  }

  // joblib: test_parallel.py::test_batching_auto_threading
  @Test
  void autoBatchingGroupsTinyTasksUnlikeJoblib() {
    // a deliberate difference (docs/differences-from-joblib.md): joblib keeps threading batches
    // at 1 because of the GIL; here tiny tasks are grouped so their overhead stays small
    ThreadingBackend backend = new ThreadingBackend();
    try (Parallel p = Parallel.builder().nJobs(2).batchSize("auto").backend(backend).build()) {
      List<Integer> r = p.run(IntStream.range(0, 5000).mapToObj(i -> delayed(x -> x, i)));
      assertThat(r)
          .isEqualTo(
              IntStream.range(0, 5000).boxed().collect(java.util.stream.Collectors.toList()));
      assertThat(backend.computeBatchSize()).isGreaterThan(1);
    }
    assertThat(backend.computeBatchSize()).as("reset when the Parallel closes").isEqualTo(1);
  }

  @Test
  void tasksOfAFewMillisecondsGoOneByOne() {
    List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onBatchCompleted(ProgressEvent event) {
            sizes.add(event.lastBatchSize());
          }
        };
    Parallel.builder()
        .nJobs(2)
        .backend("threading")
        .progress(listener)
        .build()
        .run(
            IntStream.range(0, 20)
                .mapToObj(
                    i ->
                        delayed(
                            () -> {
                              Thread.sleep(3); // the case is about batch timing
                              return i;
                            })));
    assertThat(sizes).hasSize(20).containsOnly(1);
  }

  @Test
  void oneJobRunsInTheCallerThreadWithoutAPool() {
    Parallel byName = Parallel.builder().nJobs(1).backend("threading").build();
    assertThat(byName.backendName()).isEqualTo("threading");
    Thread caller = Thread.currentThread();
    List<Thread> threads =
        byName.run(IntStream.range(0, 4).mapToObj(i -> delayed(Thread::currentThread)));
    assertThat(threads).containsOnly(caller);

    ThreadingBackend backend = new ThreadingBackend();
    try (Parallel p = Parallel.builder().nJobs(1).backend(backend).build()) {
      assertThat(p.<Thread>run(IntStream.range(0, 4).mapToObj(i -> delayed(Thread::currentThread))))
          .containsOnly(caller);
      assertThat(backend.poolSize()).isZero();
    }
  }

  // joblib: test_parallel.py::test_background_thread_parallelism,
  // test_parallel.py::test_main_thread_renamed_no_warning
  @Test
  void worksFromABackgroundThreadWithoutWarnings() throws InterruptedException {
    AtomicReference<Object> outcome = new AtomicReference<>();
    try (LogCapture logs = LogCapture.allJoblib4j()) {
      Thread t =
          new Thread(
              () -> {
                try {
                  outcome.set(
                      Parallel.builder()
                          .nJobs(2)
                          .build()
                          .run(
                              IntStream.range(0, 4)
                                  .mapToObj(i -> delayed(TestSupport::square, i))));
                } catch (Throwable e) {
                  outcome.set(e);
                }
              },
              "background");
      t.start();
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(t.isAlive()).isFalse();
      assertThat(logs.warnings()).isEmpty();
    }
    assertThat(outcome.get()).isEqualTo(List.of(0, 1, 4, 9));
  }

  @Test
  void doesNotDependOnTheMainThreadsName() {
    Thread current = Thread.currentThread();
    String name = current.getName();
    current.setName("some_new_name_for_the_main_thread");
    try (LogCapture logs = LogCapture.allJoblib4j()) {
      for (String backend : new String[] {"threading", "sequential"}) {
        List<Integer> r =
            Parallel.builder()
                .nJobs(2)
                .backend(backend)
                .build()
                .run(IntStream.range(0, 3).mapToObj(i -> delayed(TestSupport::square, i)));
        assertThat(r).containsExactly(0, 1, 4);
      }
      List<Integer> r =
          Parallel.builder()
              .nJobs(2)
              .build()
              .run(IntStream.range(0, 3).mapToObj(i -> delayed(TestSupport::square, i)));
      assertThat(r).containsExactly(0, 1, 4);
      assertThat(logs.warnings()).isEmpty();
    } finally {
      current.setName(name);
    }
  }

  /** Runs 4 tasks that can only finish together, so each runs on its own pool thread. */
  private static Set<Thread> fourThreads(Parallel p) {
    return TestSupport.together(p, 4);
  }

  static int f(int x, int y) {
    return x * x + y;
  }

  // joblib: test_parallel.py::test_parallel_as_context_manager
  @Test
  void aReusedParallelKeepsOnePoolAndReleasesItOnClose() {
    List<Integer> expected =
        IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList());
    ThreadingBackend backend = new ThreadingBackend();
    Parallel p = Parallel.builder().nJobs(4).backend(backend).build();
    Set<Thread> first;
    try (p) {
      assertThat(
              p.<Integer>run(
                  IntStream.range(0, 10).mapToObj(x -> delayed(ThreadingBackendTest::f, x, 1))))
          .isEqualTo(expected);
      first = fourThreads(p);
      assertThat(first).hasSize(4).noneMatch(t -> t == Thread.currentThread());
      assertThat(backend.poolSize()).isEqualTo(4);
      assertThat(
              p.<Integer>run(
                  IntStream.range(0, 10).mapToObj(x -> delayed(ThreadingBackendTest::f, x, 1))))
          .isEqualTo(expected);
      Set<Thread> alive = new HashSet<>(Thread.getAllStackTraces().keySet());
      Set<Thread> second = fourThreads(p);
      // threads kept between calls: the second call starts none (they are shared, see
      // SharedThreadsTest)
      assertThat(alive).containsAll(second);
    }
    assertThat(backend.poolSize()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.stream().noneMatch(Thread::isAlive));

    // after close, every call makes and releases its own pool
    assertThat(
            p.<Integer>run(
                IntStream.range(0, 10).mapToObj(x -> delayed(ThreadingBackendTest::f, x, 1))))
        .isEqualTo(expected);
    assertThat(backend.poolSize()).isZero();
    Set<Thread> third = fourThreads(p);
    assertThat(third).hasSize(4).doesNotContainAnyElementsOf(first);
    assertThat(backend.poolSize()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> third.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void resizingAReusedBackend() {
    ThreadingBackend backend = new ThreadingBackend();
    try (Parallel four = Parallel.builder().nJobs(4).backend(backend).build()) {
      assertThat(fourThreads(four)).hasSize(4);
      assertThat(backend.poolSize()).isEqualTo(4);
    }
    List<Integer> r = new ArrayList<>();
    try (Parallel two = Parallel.builder().nJobs(2).backend(backend).build()) {
      r.addAll(two.run(IntStream.range(0, 6).mapToObj(i -> delayed(TestSupport::square, i))));
      assertThat(backend.poolSize()).isEqualTo(2);
    }
    assertThat(r).isEqualTo(TestSupport.squares(6));
  }

  @Test
  void capabilityFlags() {
    ParallelBackend threading = TestSupport.newBackend("threading");
    ParallelBackend sequential = TestSupport.newBackend("sequential");
    assertThat(threading).isInstanceOf(ThreadingBackend.class);
    assertThat(threading.supportsTimeout()).isTrue();
    assertThat(threading.supportsReturnGenerator()).isTrue();
    assertThat(threading.supportsSharedMem()).isTrue();
    assertThat(threading.usesThreads()).isTrue();
    assertThat(sequential.supportsTimeout()).isFalse();
    assertThat(sequential.supportsReturnGenerator()).isFalse();
  }
}
