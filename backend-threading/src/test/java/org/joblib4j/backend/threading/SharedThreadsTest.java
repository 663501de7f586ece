package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.junit.jupiter.api.Test;

/** The process-wide threads that every threading backend borrows. */
class SharedThreadsTest {

  private static Set<Thread> sharedThreads() {
    Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
    threads.removeIf(t -> !t.getName().startsWith(SharedThreads.NAME_PREFIX));
    return threads;
  }

  @Test
  void aFreshParallelReusesTheThreadsOfThePreviousOne() {
    Set<Thread> first;
    try (Parallel p = Parallel.builder().nJobs(3).backend(new ThreadingBackend()).build()) {
      first = TestSupport.together(p, 3);
    }
    Set<Thread> before = sharedThreads();
    Set<Thread> second;
    try (Parallel p = Parallel.builder().nJobs(3).backend(new ThreadingBackend()).build()) {
      second = TestSupport.together(p, 3);
    }
    assertThat(before)
        .as("no thread started for the second call")
        .containsAll(second)
        .containsAll(first);
    assertThat(first)
        .allSatisfy(
            t -> {
              assertThat(t.isDaemon()).isTrue();
              assertThat(t.getName()).startsWith("joblib4j-threading-worker-");
            });
  }

  @Test
  void idleThreadsExitAfterTheKeepAlive() {
    Set<Thread> used;
    try (Parallel p = Parallel.builder().nJobs(2).backend(new ThreadingBackend()).build()) {
      used = TestSupport.together(p, 2);
    }
    await()
        .atMost(Duration.ofSeconds(ThreadingBackend.KEEP_ALIVE_SECONDS + 10))
        .until(() -> used.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void aCallRunsAtMostNJobsTasksAtOnceWhateverIsIdle() {
    try (Parallel wide = Parallel.builder().nJobs(4).backend(new ThreadingBackend()).build()) {
      assertThat(TestSupport.together(wide, 4)).hasSize(4); // four idle shared threads now
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CyclicBarrier pair = new CyclicBarrier(2);
    try (Parallel two =
        Parallel.builder().nJobs(2).batchSize(1).backend(new ThreadingBackend()).build()) {
      two.run(
          IntStream.range(0, 8)
              .mapToObj(
                  i ->
                      (Task<Integer>)
                          () -> {
                            most.accumulateAndGet(running.incrementAndGet(), Math::max);
                            try {
                              pair.await(10, TimeUnit.SECONDS); // two at once are reached
                            } finally {
                              running.decrementAndGet();
                            }
                            return i;
                          }));
    }
    assertThat(most.get()).isEqualTo(2);
  }

  @Test
  void aNestedCallGetsThreadsOfItsOwnWhileItsParentHoldsAll() {
    CyclicBarrier inner = new CyclicBarrier(4);
    try (Parallel outer = Parallel.builder().nJobs(2).backend(new ThreadingBackend()).build()) {
      List<Integer> r =
          outer.run(
              IntStream.range(0, 2)
                  .mapToObj(
                      i ->
                          (Task<Integer>)
                              () -> {
                                try (Parallel p =
                                    Parallel.builder()
                                        .nJobs(2)
                                        .backend(new ThreadingBackend())
                                        .build()) {
                                  // all four inner tasks wait for each other: six threads at once
                                  List<Integer> in =
                                      p.run(
                                          IntStream.range(0, 2)
                                              .mapToObj(
                                                  k ->
                                                      (Task<Integer>)
                                                          () -> {
                                                            inner.await(10, TimeUnit.SECONDS);
                                                            return k;
                                                          }));
                                  return in.size();
                                }
                              }));
      assertThat(r).containsExactly(2, 2);
    }
  }

  @Test
  void tasksSeeTheirCallersContextClassLoader() throws Exception {
    // the shared threads were created by other callers: each call's tasks still see its own loader
    try (Parallel warm = Parallel.builder().nJobs(2).backend(new ThreadingBackend()).build()) {
      TestSupport.together(warm, 2);
    }
    ClassLoader own = new URLClassLoader(new URL[0], getClass().getClassLoader());
    AtomicReference<Object> seen = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try (Parallel p =
                  Parallel.builder().nJobs(2).backend(new ThreadingBackend()).build()) {
                seen.set(
                    p.<ClassLoader>run(
                        IntStream.range(0, 2)
                            .mapToObj(
                                i ->
                                    (Task<ClassLoader>)
                                        () -> Thread.currentThread().getContextClassLoader())));
              } catch (Throwable t) {
                seen.set(t);
              }
            });
    caller.setContextClassLoader(own);
    caller.start();
    caller.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(seen.get()).isEqualTo(List.of(own, own));
  }

  private static final InheritableThreadLocal<String> USER = new InheritableThreadLocal<>();

  @Test
  void aThreadStartedForOneCallerCarriesNothingOfItsToTheNext() throws Exception {
    AtomicReference<Object> seen = new AtomicReference<>();
    Thread first =
        new Thread(
            () -> {
              USER.set("first caller's");
              // more threads than other tests leave idle: most are started by this caller
              try (Parallel p =
                  Parallel.builder().nJobs(16).backend(new ThreadingBackend()).build()) {
                seen.set(TestSupport.together(p, 16));
              } catch (Throwable t) {
                seen.set(t);
              }
            });
    first.start();
    first.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(seen.get()).isInstanceOf(Set.class);
    CyclicBarrier all = new CyclicBarrier(16);
    try (Parallel p = Parallel.builder().nJobs(16).backend(new ThreadingBackend()).build()) {
      List<String> values =
          p.run(
              IntStream.range(0, 16)
                  .mapToObj(
                      i ->
                          (Task<String>)
                              () -> {
                                all.await(10, TimeUnit.SECONDS);
                                return String.valueOf(USER.get());
                              }));
      assertThat(values).containsOnly("null");
    }
  }
}
