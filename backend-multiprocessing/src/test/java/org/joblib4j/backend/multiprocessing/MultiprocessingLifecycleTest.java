package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.GENEROUS;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.KEEP_IDLE;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.PARENT_PID;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.awaitAllDead;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.awaitNoNewDescendant;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.descendants;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * On multiprocessing, a pool lives for one call or one {@code try (Parallel p = ...)} block, never
 * longer; a new {@code Parallel} gets new JVMs (fresh static state); the initializer and
 * max-tasks-per-child options.
 */
class MultiprocessingLifecycleTest {

  static List<List<Long>> count(Parallel p, int tasks) {
    return p.run(IntStream.range(0, tasks).mapToObj(i -> delayed(MpTestSupport::countAndPid)));
  }

  /** Per pid, the counter values its tasks saw, sorted. */
  static Map<Long, List<Long>> byPid(List<List<Long>> results) {
    Map<Long, List<Long>> m = new TreeMap<>();
    for (List<Long> r : results) {
      m.computeIfAbsent(r.get(0), k -> new ArrayList<>()).add(r.get(1));
    }
    m.values().forEach(v -> v.sort(null));
    return m;
  }

  static void assertCountersStartAtOne(Map<Long, List<Long>> byPid) {
    byPid.forEach(
        (pid, seen) ->
            assertThat(seen)
                .as("static counter seen by the tasks of worker %d", pid)
                .isEqualTo(
                    IntStream.rangeClosed(1, seen.size())
                        .mapToObj(i -> (long) i)
                        .collect(Collectors.toList())));
  }

  // ------------------------------------------------------------------ reuse in a block

  // joblib: test_parallel.py::test_parallel_as_context_manager
  @Test
  void oneBlockKeepsTheSameWorkersForEveryCallAndKillsThemAtClose() {
    Set<Long> before = descendants();
    Set<Long> first;
    Set<Long> second;
    try (Parallel p = mp(2, KEEP_IDLE).batchSize(1).build()) {
      List<List<Long>> r1 = count(p, 8);
      List<List<Long>> r2 = count(p, 8);
      first = byPid(r1).keySet();
      second = byPid(r2).keySet();
      assertThat(first).doesNotContain(PARENT_PID).hasSizeBetween(1, 2);
      // the same worker JVMs serve both calls: their static state carries over
      assertThat(first).containsAll(second);
      List<List<Long>> both = new ArrayList<>(r1);
      both.addAll(r2);
      Map<Long, List<Long>> all = byPid(both);
      assertCountersStartAtOne(all);
      assertThat(all.values().stream().mapToInt(List::size).sum()).isEqualTo(16);
      assertThat(MpTestSupport.counter).as("nothing ran in the test JVM").isZero();
    }
    // close() destroys the pool
    awaitAllDead(first);
    awaitNoNewDescendant(before);
  }

  @Test
  void aCallAfterCloseStartsItsOwnPoolAndDestroysItAfterwards() {
    Parallel p = mp(2).build();
    List<Long> inBlock =
        p.run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L)));
    p.close();
    awaitAllDead(inBlock);
    Set<Long> before = descendants();
    List<Integer> r = p.run(IntStream.range(0, 10).mapToObj(x -> delayed(MpTestSupport::f, x, 1)));
    assertThat(r)
        .isEqualTo(IntStream.range(0, 10).map(x -> x * x + 1).boxed().collect(Collectors.toList()));
    List<Long> after =
        p.run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L)));
    assertThat(after).doesNotContainAnyElementsOf(inBlock);
    awaitAllDead(after);
    awaitNoNewDescendant(before);
  }

  // ------------------------------------------------------------------ fresh state, no survivors

  @Test
  void aNewParallelGetsFreshWorkerJvmsAndFreshStaticState() {
    Map<Long, List<Long>> first;
    Map<Long, List<Long>> second;
    try (Parallel p = mp(2, KEEP_IDLE).batchSize(1).build()) {
      first = byPid(count(p, 6));
    }
    try (Parallel p = mp(2, KEEP_IDLE).batchSize(1).build()) {
      second = byPid(count(p, 6));
    }
    assertCountersStartAtOne(first);
    assertCountersStartAtOne(second);
    assertThat(second.keySet()).doesNotContainAnyElementsOf(first.keySet());
    assertThat(MpTestSupport.counter).isZero();
  }

  @Test
  void twoLiveParallelsNeverShareWorkers() {
    try (Parallel a = mp(2, KEEP_IDLE).batchSize(1).build();
        Parallel b = mp(2, KEEP_IDLE).batchSize(1).build()) {
      Set<Long> pa =
          new HashSet<>(
              a.run(
                  IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L))));
      Set<Long> pb =
          new HashSet<>(
              b.run(
                  IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L))));
      assertThat(pa).doesNotContainAnyElementsOf(pb);
      assertCountersStartAtOne(byPid(count(b, 4)));
    }
  }

  @Test
  void noWorkerOfAOneShotCallOutlivesIt() throws Exception {
    Set<Long> before = descendants();
    // a top-level call from a background thread (nesting level 0) uses real workers, without
    // warnings
    try (LogCapture log = LogCapture.parallelWarnings()) {
      List<Long> pids =
          CompletableFuture.supplyAsync(
                  () ->
                      mp(2)
                          .build()
                          .run(
                              IntStream.range(0, 6)
                                  .mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L))))
              .get();
      assertThat(pids).hasSize(6).doesNotContain(PARENT_PID);
      assertThat(log.warnings()).isEmpty();
      awaitAllDead(pids);
    }
    awaitNoNewDescendant(before);
  }

  @Test
  void aHeldParallelThatIsNeverClosedReleasesItsIdleWorkersAndStillServesCalls() {
    Parallel p = mp(2).batchSize(1).build();
    List<Long> first =
        p.run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 10L)));
    // idle-worker-timeout (default 1 s): the workers go although p is still reachable
    awaitAllDead(first);
    List<List<Long>> again = count(p, 4);
    assertThat(byPid(again).keySet()).doesNotContainAnyElementsOf(first);
    assertCountersStartAtOne(byPid(again));
    awaitAllDead(byPid(again).keySet());
    Reference.reachabilityFence(p);
  }

  // ------------------------------------------------------------------ initializer

  // joblib: test_parallel.py::test_initializer_context, test_parallel.py::test_initializer_parallel
  @Test
  void theInitializerRunsOnceInEachWorkerBeforeAnyTask() {
    Map<String, Object> options =
        Map.of("initializer", MpTestSupport.initializer(), "idle-worker-timeout", "30s");
    List<List<Long>> r;
    try (Parallel p = mp(2, options).batchSize(1).build()) {
      r = p.run(IntStream.range(0, 30).mapToObj(i -> delayed(MpTestSupport::initState)));
      r = new ArrayList<>(r);
      r.addAll(p.run(IntStream.range(0, 10).mapToObj(i -> delayed(MpTestSupport::initState))));
    }
    assertThat(r)
        .hasSize(40)
        .allSatisfy(s -> assertThat(s.get(1)).as("initializer runs seen by a task").isEqualTo(1L));
    assertThat(r.stream().map(s -> s.get(0)).collect(Collectors.toSet()))
        .hasSizeBetween(1, 2)
        .doesNotContain(PARENT_PID);
    assertThat(MpTestSupport.initCalls).as("the initializer never runs in the caller").isZero();
  }

  @Test
  void aFailingInitializerFailsTheCallClearlyWithoutHanging() {
    Set<Long> before = descendants();
    Task<Object> init = MpTestSupport::failingInitializer;
    // close() is inside the bound too: neither the calls nor the release may hang
    assertTimeoutPreemptively(
        GENEROUS,
        () -> {
          try (Parallel p = mp(3, Map.of("initializer", init)).batchSize(1).build()) {
            // the block's next calls fail the same way: no hang, no broken state
            for (int call = 0; call < 3; call++) {
              Throwable t =
                  catchThrowable(
                      () ->
                          p.run(
                              IntStream.range(0, 12)
                                  .mapToObj(x -> delayed(MpTestSupport::square, x))));
              assertThat(t)
                  .isExactlyInstanceOf(IllegalStateException.class)
                  .hasMessageStartingWith("The worker initializer failed in worker JVM ")
                  .hasMessageEndingWith(": java.lang.IllegalArgumentException: initializer boom");
              assertThat(t.getCause())
                  .isExactlyInstanceOf(IllegalArgumentException.class)
                  .hasMessage("initializer boom");
              assertThat(Arrays.asList(t.getCause().getStackTrace()))
                  .anySatisfy(e -> assertThat(e.getMethodName()).isEqualTo("failingInitializer"));
            }
          }
        });
    awaitNoNewDescendant(before);
  }

  // ------------------------------------------------------------------ max-tasks-per-child

  @Test
  void maxTasksPerChildReplacesEachWorkerAfterThatManyTasks() {
    Map<String, Object> options =
        Map.of("max-tasks-per-child", 2, "initializer", MpTestSupport.initializer());
    List<List<Long>> r;
    Set<Long> before = descendants();
    try (Parallel p = mp(2, options).batchSize(1).build()) {
      r = p.run(IntStream.range(0, 10).mapToObj(i -> delayed(MpTestSupport::initState)));
    }
    Map<Long, Long> tasksPerPid =
        r.stream().collect(Collectors.groupingBy(s -> s.get(0), Collectors.counting()));
    assertThat(tasksPerPid.keySet()).doesNotContain(PARENT_PID);
    assertThat(tasksPerPid.values())
        .as("tasks run per worker JVM with max-tasks-per-child=2: %s", tasksPerPid)
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2L));
    assertThat(tasksPerPid.keySet()).hasSizeGreaterThanOrEqualTo(5);
    // every replacement worker is initialized too, before its first task
    assertThat(r).allSatisfy(s -> assertThat(s.get(1)).isEqualTo(1L));
    awaitNoNewDescendant(before);
  }
}
