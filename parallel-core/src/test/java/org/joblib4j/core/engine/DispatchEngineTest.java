package org.joblib4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The dispatch engine on real (test) backends: ordering, batching, failures, lifecycle. */
class DispatchEngineTest {
  private final BackendRegistry registry = BackendRegistry.load(getClass().getClassLoader());

  private Execution execution(
      ParallelBackend backend,
      int nJobs,
      ReturnAs returnAs,
      Duration timeout,
      ProgressListener listener) {
    ParallelSettings s =
        new ParallelSettings(
            null,
            Map.of(),
            backend,
            new SettingValues()
                .set(Settings.N_JOBS, nJobs)
                .setOrUnset(Settings.RETURN_AS, returnAs)
                .setOrUnset(Settings.TIMEOUT, timeout)
                .setOrUnset(Settings.PROGRESS, listener));
    return new Execution(
        new SettingsResolver(registry, LayeredConfigSource.of(Map.of(), Map.of(), Map.of()))
            .resolve(s, ParallelConfig.current()));
  }

  private static List<Task<Integer>> tasks(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                (Task<Integer>)
                    () -> {
                      LockSupport.parkNanos(
                          (i * 7919L % 5) * 200_000L); // completion order differs from input order
                      return i * i;
                    })
        .collect(Collectors.toList());
  }

  @Test
  void resultsComeBackInInputOrderWhateverTheCompletionOrder() {
    Execution e = execution(new PoolBackend(true, true), 4, ReturnAs.LIST, null, null);
    assertThat(e.run(tasks(517).iterator(), 517))
        .isEqualTo(IntStream.range(0, 517).mapToObj(i -> i * i).collect(Collectors.toList()));
  }

  @Test
  void unorderedModeYieldsEveryResultOnce() {
    Execution e =
        execution(new PoolBackend(true, true), 3, ReturnAs.GENERATOR_UNORDERED, null, null);
    List<Object> got = new ArrayList<>();
    try (ResultIterator<Object> it = e.iterate(tasks(100).iterator(), -1)) {
      it.forEachRemaining(got::add);
    }
    assertThat(got)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 100).mapToObj(i -> i * i).collect(Collectors.toList()));
  }

  /**
   * Completes every batch inside submit: completions re-enter the engine on the dispatching thread.
   */
  static final class InlineBackend implements ParallelBackend {
    @Override
    public int configure(CallSettings settings) {
      return 2;
    }

    @Override
    public CompletableFuture<List<Object>> submit(Batch batch) {
      return CompletableFuture.completedFuture(batch.callUnchecked());
    }
  }

  /** Completes batches inline, with a batch size of 4, and records the sizes it was given. */
  static final class SizeRecordingBackend implements ParallelBackend {
    final List<Integer> sizes = new ArrayList<>();

    @Override
    public int configure(CallSettings settings) {
      return 2;
    }

    @Override
    public int computeBatchSize() {
      return 4;
    }

    @Override
    public synchronized CompletableFuture<List<Object>> submit(Batch batch) {
      sizes.add(batch.size());
      return CompletableFuture.completedFuture(batch.callUnchecked());
    }
  }

  @Test
  void aTailOfTinyTasksIsSplitEvenlyOverTheWorkers() {
    SizeRecordingBackend backend = new SizeRecordingBackend();
    List<Object> r =
        execution(backend, 2, ReturnAs.LIST, null, null)
            .run(IntStream.range(0, 10).mapToObj(i -> (Task<Integer>) () -> i).iterator(), 10);
    assertThat(r).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    // 4 tasks pre-dispatched in 2 batches, then the 6 left in 2 batches, not joblib's 6 of one
    assertThat(backend.sizes).containsExactly(2, 2, 3, 3);
  }

  @Test
  void aTailOfSlowerTasksGoesInJoblibsSmallBatches() {
    SizeRecordingBackend backend = new SizeRecordingBackend();
    long perTask = DispatchCall.TINY_TAIL_NANOS / 2; // 3 tasks per worker would take 1.5x the limit
    execution(backend, 2, ReturnAs.LIST, null, null)
        .run(
            IntStream.range(0, 10)
                .mapToObj(
                    i ->
                        (Task<Integer>)
                            () -> {
                              long end = System.nanoTime() + perTask;
                              while (System.nanoTime() < end) {
                                LockSupport.parkNanos(end - System.nanoTime());
                              }
                              return i;
                            })
                .iterator(),
            10);
    assertThat(backend.sizes).containsExactly(2, 2, 1, 1, 1, 1, 1, 1);
  }

  @Test
  void synchronousCompletionsDoNotRecurse() {
    int n = 200_000;
    Execution e = execution(new InlineBackend(), 2, ReturnAs.LIST, null, null);
    List<Object> r =
        e.run(IntStream.range(0, n).mapToObj(i -> (Task<Integer>) () -> i).iterator(), n);
    assertThat(r).hasSize(n);
    assertThat(r.get(n - 1)).isEqualTo(n - 1);
  }

  @Test
  void anExceptionFromTheInputReachesTheCaller() {
    Iterator<Task<Integer>> input =
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Task<Integer> next() {
            if (i == 5) {
              throw new IllegalStateException("input broke at 5");
            }
            int v = i++;
            return () -> v;
          }
        };
    Execution e = execution(new PoolBackend(true, true), 2, ReturnAs.LIST, null, null);
    assertThatThrownBy(() -> e.run(input, -1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("input broke at 5");
  }

  @Test
  void aNullTaskIsReportedByIndex() {
    List<Task<Integer>> input = new ArrayList<>(tasks(3));
    input.add(null);
    Execution e = execution(new PoolBackend(true, true), 2, ReturnAs.LIST, null, null);
    assertThatThrownBy(() -> e.run(input.iterator(), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Task 3 is null: every element of the input must be a Task.");
  }

  static final class BrokenBackend implements ParallelBackend {
    final int workers;
    final boolean throwInSubmit;

    BrokenBackend(int workers, boolean throwInSubmit) {
      this.workers = workers;
      this.throwInSubmit = throwInSubmit;
    }

    @Override
    public int configure(CallSettings settings) {
      return workers;
    }

    @Override
    public CompletableFuture<List<Object>> submit(Batch batch) {
      if (throwInSubmit) {
        throw new IllegalStateException("cluster unreachable");
      }
      return CompletableFuture.completedFuture(List.of());
    }
  }

  @Test
  void backendFaultsAreReportedPlainly() {
    assertThatThrownBy(
            () ->
                execution(new BrokenBackend(0, false), 2, ReturnAs.LIST, null, null)
                    .run(tasks(2).iterator(), 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("BrokenBackend has no active worker.");
    assertThatThrownBy(
            () ->
                execution(new BrokenBackend(2, true), 2, ReturnAs.LIST, null, null)
                    .run(tasks(4).iterator(), 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cluster unreachable");
    assertThatThrownBy(
            () ->
                execution(new BrokenBackend(2, false), 2, ReturnAs.LIST, null, null)
                    .run(tasks(4).iterator(), 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("BrokenBackend returned 0 results for a batch of 1 tasks");
  }

  @Test
  void theListenerSeesStartEveryTaskAndTheEnd() {
    ProgressListener listener = mock(ProgressListener.class);
    execution(new PoolBackend(true, true), 2, ReturnAs.LIST, null, listener)
        .run(tasks(50).iterator(), 50);
    verify(listener, times(1)).onStart(any());
    ArgumentCaptor<ProgressEvent> batches = ArgumentCaptor.forClass(ProgressEvent.class);
    verify(listener, org.mockito.Mockito.atLeastOnce()).onBatchCompleted(batches.capture());
    assertThat(batches.getAllValues().stream().mapToInt(ProgressEvent::lastBatchSize).sum())
        .isEqualTo(50);
    ArgumentCaptor<ProgressEvent> end = ArgumentCaptor.forClass(ProgressEvent.class);
    verify(listener).onFinish(end.capture());
    assertThat(end.getValue().completedTasks()).isEqualTo(50);
    assertThat(end.getValue().totalTasks()).isEqualTo(50);
    assertThat(end.getValue().failure()).isEmpty();
    assertThat(end.getValue().backendName()).isEqualTo("PoolBackend");
  }

  @Test
  void aTimeoutAbortsTheCall() throws InterruptedException {
    PoolBackend backend = new PoolBackend(true, true);
    CountDownLatch release = new CountDownLatch(1);
    Execution e = execution(backend, 2, ReturnAs.LIST, Duration.ofMillis(200), null);
    List<Task<Integer>> stuck =
        List.of(
            () -> 1,
            () -> {
              release.await();
              return 2;
            });
    assertThatThrownBy(() -> e.run(stuck.iterator(), 2))
        .isInstanceOf(ParallelTimeoutException.class)
        .hasMessage(
            "Parallel(n_jobs=2) timed out: no result arrived within timeout=0.2 s on backend"
                + " 'PoolBackend'. The call's remaining tasks were cancelled.")
        .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(backend.aborts.get()).isEqualTo(1);
    release.countDown();
    e.close();
  }

  @Test
  void aReusedInstanceConfiguresOnceAndTerminatesOnClose() {
    PoolBackend backend = new PoolBackend(true, true);
    Execution e = execution(backend, 2, ReturnAs.LIST, null, null);
    e.run(tasks(10).iterator(), 10);
    e.run(tasks(10).iterator(), 10);
    assertThat(backend.configures.get()).isEqualTo(1);
    assertThat(backend.terminates.get()).isZero();
    e.close();
    assertThat(backend.terminates.get()).isEqualTo(1);
    e.run(tasks(10).iterator(), 10); // after close: configure and terminate around the call
    assertThat(backend.configures.get()).isEqualTo(2);
    assertThat(backend.terminates.get()).isEqualTo(2);
  }

  @Test
  void withoutTheThreadingJarNestedCallsRunSequentially() {
    // core's tests have no threading jar: a task's default nested backend falls back in place
    List<String> inner =
        org.joblib4j.Parallel.builder()
            .backend(new PoolBackend(true, true))
            .nJobs(2)
            .build()
            .map(
                x -> {
                  org.joblib4j.Parallel p = org.joblib4j.Parallel.builder().nJobs(2).build();
                  return p.backendName()
                      + "@"
                      + p.nestingLevel()
                      + "="
                      + p.map(y -> y * 2, List.of(1, 2));
                },
                List.of(1, 2));
    assertThat(inner).containsOnly("sequential@1=[2, 4]");
  }

  @Test
  void aSecondCallWhileOneRunsIsRefused() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Execution e = execution(new PoolBackend(true, true), 2, ReturnAs.GENERATOR, null, null);
    List<Task<Integer>> slow =
        List.of(
            () -> {
              release.await(10, TimeUnit.SECONDS);
              return 1;
            });
    try (ResultIterator<Object> it = e.iterate(slow.iterator(), 1)) {
      assertThatThrownBy(() -> e.run(tasks(2).iterator(), 2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "This Parallel instance is already running ! Before submitting new tasks, you must wait"
                  + " for the completion of all the previous tasks, or clean all references to the"
                  + " output generator.");
      release.countDown();
      assertThat(it.next()).isEqualTo(1);
    }
    assertThat(e.run(tasks(3).iterator(), 3)).containsExactly(0, 1, 4);
  }

  @Test
  void aPreDispatchOfNoTaskIsRejectedNamingTheBuildersSetting() {
    assertThatThrownBy(() -> DispatchCall.resolvePreDispatch("n_jobs-2", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "preDispatch must be \"all\" or a positive number of tasks, got: \"n_jobs-2\" = 0");
  }
}
