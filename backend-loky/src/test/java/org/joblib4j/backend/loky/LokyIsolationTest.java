package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Process isolation (captured state re-sent at each call, results and arguments are copies, worker
 * state is the worker's own) and concurrent callers sharing the process-wide pool.
 */
@SuppressWarnings("try") // ParallelConfig scopes and captures are opened for their effect
class LokyIsolationTest {
  private ExecutorService threads;

  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  @AfterAll
  static void resetPool() {
    // a test below runs a call with other worker options
    LokyBackend.shutdown();
  }

  @BeforeEach
  void startThreads() {
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
  }

  // joblib: test_parallel.py::test_lambda_expression,
  // test_parallel.py::test_parallel_with_unpicklable_functions_in_args
  @Test
  void lambdasReachTheWorkers() {
    List<Integer> r =
        loky(2).build().run(IntStream.range(0, 10).mapToObj(i -> delayed((Integer x) -> x * x, i)));
    assertThat(r)
        .isEqualTo(IntStream.range(0, 10).map(i -> i * i).boxed().collect(Collectors.toList()));
  }

  /** One capture site: every call's tasks are instances of the same lambda class. */
  static List<String> readCaptured(String value) {
    long parent = ProcessHandle.current().pid();
    Task<String> t =
        () -> value + " in " + (ProcessHandle.current().pid() == parent ? "parent" : "worker");
    return loky(2).build().run(List.of(t, t, t, t));
  }

  @Test
  void capturedValuesAreSentAgainAtEachCall() {
    assertThat(readCaptured("original value")).containsOnly("original value in worker");
    assertThat(readCaptured("changed value")).containsOnly("changed value in worker");
    assertThat(readCaptured("original value")).containsOnly("original value in worker");
  }

  @Test
  void aCapturedMutableObjectIsSentWithItsCurrentState() {
    ArrayList<String> box = new ArrayList<>(List.of("original value"));
    Task<String> read = () -> box.get(0);
    assertThat(loky(2).build().<String>run(List.of(read, read))).containsOnly("original value");
    box.set(0, "changed value");
    assertThat(loky(2).build().<String>run(List.of(read, read))).containsOnly("changed value");
  }

  static ArrayList<String> ident(ArrayList<String> o) {
    return o;
  }

  static ArrayList<String> mutate(ArrayList<String> o) {
    o.add("added in a worker");
    return o;
  }

  @Test
  void resultsAndArgumentsAreCopies() {
    ArrayList<String> obj = new ArrayList<>(List.of("payload"));
    List<ArrayList<String>> r =
        loky(2)
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(LokyIsolationTest::ident, obj)));
    assertThat(r.get(0)).isEqualTo(obj).isNotSameAs(obj);
    assertThat(r.get(1)).isEqualTo(obj).isNotSameAs(obj).isNotSameAs(r.get(0));

    List<ArrayList<String>> mutated =
        loky(2)
            .build()
            .run(IntStream.range(0, 2).mapToObj(i -> delayed(LokyIsolationTest::mutate, obj)));
    assertThat(mutated.get(0)).containsExactly("payload", "added in a worker");
    // the parent's object never sees a worker's mutation
    assertThat(obj).containsExactly("payload");
  }

  /** Static state lives in each worker JVM, not in the parent. */
  static final Map<String, Integer> STATE = new HashMap<>();

  static int bump(String key) {
    synchronized (STATE) {
      return STATE.merge(key, 1, Integer::sum);
    }
  }

  @Test
  void staticStateChangedByTasksStaysInTheWorkers() {
    loky(2)
        .build()
        .run(IntStream.range(0, 10).mapToObj(i -> delayed(LokyIsolationTest::bump, "isolation")));
    synchronized (STATE) {
      assertThat(STATE).doesNotContainKey("isolation");
    }
  }

  // ------------------------------------------------------------------ concurrent callers

  static int slowSquare(int i) throws InterruptedException {
    Thread.sleep(20);
    return i * i;
  }

  static List<Integer> squares(int n) {
    return IntStream.range(0, n).map(i -> i * i).boxed().collect(Collectors.toList());
  }

  @Test
  void twoThreadsShareThePoolSafely() throws Exception {
    List<Long> poolBefore = LokyBackend.workerPids();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<Integer>>> calls = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                List<Integer> all = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                  all.addAll(
                      loky(2)
                          .batchSize(1)
                          .build()
                          .run(
                              IntStream.range(0, 20)
                                  .mapToObj(i -> delayed(LokyIsolationTest::slowSquare, i))));
                }
                return all;
              },
              threads));
    }
    go.countDown();
    List<Integer> want = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      want.addAll(squares(20));
    }
    for (CompletableFuture<List<Integer>> c : calls) {
      assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo(want);
    }
    assertThat(LokyBackend.workerPids()).containsExactlyInAnyOrderElementsOf(poolBefore);
  }

  static int failSoon(int i) throws InterruptedException {
    Thread.sleep(30);
    throw new IllegalStateException("call B fails at task " + i);
  }

  @Test
  void abortingOneThreadsCallDoesNotFailTheOtherThreadsCall() throws Exception {
    CountDownLatch aIsRunning = new CountDownLatch(1);
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onBatchCompleted(ProgressEvent event) {
            aIsRunning.countDown();
          }
        };
    // A: 40 tasks of 20 ms, one at a time, on both workers
    CompletableFuture<List<Integer>> a =
        CompletableFuture.supplyAsync(
            () ->
                loky(2)
                    .batchSize(1)
                    .progress(listener)
                    .build()
                    .run(
                        IntStream.range(0, 40)
                            .mapToObj(i -> delayed(LokyIsolationTest::slowSquare, i))),
            threads);
    assertThat(aIsRunning.await(20, TimeUnit.SECONDS)).isTrue();
    // B fails while A runs: B's abort kills only workers running B's tasks
    Throwable b =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .batchSize(1)
                            .build()
                            .run(
                                IntStream.range(0, 6)
                                    .mapToObj(
                                        i ->
                                            i == 2
                                                ? delayed(LokyIsolationTest::failSoon, i)
                                                : delayed(LokyIsolationTest::slowSquare, i)))));
    assertThat(b)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("call B fails at task 2");
    assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(squares(40));
  }

  @Test
  void aCallWithOtherWorkerOptionsDoesNotFailARunningCall() throws Exception {
    CountDownLatch aIsRunning = new CountDownLatch(1);
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void onBatchCompleted(ProgressEvent event) {
            aIsRunning.countDown();
          }
        };
    CompletableFuture<List<Integer>> a =
        CompletableFuture.supplyAsync(
            () ->
                loky(2)
                    .batchSize(1)
                    .progress(listener)
                    .build()
                    .run(
                        IntStream.range(0, 40)
                            .mapToObj(i -> delayed(LokyIsolationTest::slowSquare, i))),
            threads);
    assertThat(aIsRunning.await(20, TimeUnit.SECONDS)).isTrue();
    // loky's get_reusable_executor shuts the old executor down with wait=True: running jobs finish
    List<Integer> b;
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("loky").innerMaxNumThreads(2).open()) {
      b =
          Parallel.builder()
              .nJobs(2)
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyTestSupport::square, i)));
    }
    assertThat(b).containsExactly(0, 1, 4, 9);
    assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(squares(40));
  }
}
