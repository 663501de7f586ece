package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.GENEROUS;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.PARENT_PID;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.backend.loky.LokyBackend;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * Reference §2.3 and §6, A31, A34: a multiprocessing call nested below threads, inside a
 * multiprocessing worker or inside a loky worker runs with n_jobs=1 and logs joblib's warning; a
 * default nested call inside a worker JVM uses threads of that JVM.
 */
class MultiprocessingNestingTest {
  static final String BELOW_THREADS =
      "Multiprocessing-backed parallel loops cannot be nested below threads, setting nJobs=1";
  static final String IN_MULTIPROCESSING =
      "Multiprocessing-backed parallel loops cannot be nested, setting nJobs=1";
  static final String BELOW_LOKY =
      "Multiprocessing-backed parallel loops cannot be nested, below loky, setting nJobs=1";
  static final String LOKY_IN_MULTIPROCESSING =
      "Loky-backed parallel loops cannot be called in a multiprocessing, setting nJobs=1";

  /**
   * Runs inside a worker JVM: (own pid, pids of a nested loky call's tasks, warnings that call
   * logged in this JVM, loky worker pids this JVM started).
   */
  static List<Object> nestedLokyInsideAWorker() {
    List<Long> lokyPids;
    ArrayList<String> warnings;
    try (LogCapture log = LogCapture.parallelWarnings()) {
      Parallel inner = Parallel.builder().backend("loky").nJobs(2).build();
      lokyPids =
          new ArrayList<>(
              inner.run(
                  IntStream.range(0, 3).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 5L))));
      warnings = log.warnings();
    }
    return List.of(
        MpTestSupport.pid(), lokyPids, warnings, new ArrayList<>(LokyBackend.workerPids()));
  }

  /** A nested multiprocessing call: the pids its tasks ran in. */
  static List<Long> nestedMultiprocessing() {
    Parallel inner = Parallel.builder().backend("multiprocessing").nJobs(2).build();
    return new ArrayList<>(
        inner.run(IntStream.range(0, 3).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 5L))));
  }

  /**
   * Runs inside a worker JVM: (own pid, nested multiprocessing pids, warnings logged in this JVM by
   * that nested call, default nested backend name, its effective n_jobs, its pids).
   */
  static List<Object> nestedInsideAWorker() {
    List<Long> mpPids;
    ArrayList<String> warnings;
    try (LogCapture log = LogCapture.parallelWarnings()) {
      mpPids = nestedMultiprocessing();
      warnings = log.warnings();
    }
    Parallel byDefault = Parallel.builder().nJobs(2).build();
    List<Long> defaultPids =
        new ArrayList<>(
            byDefault.run(
                IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::sleepThenPid, 5L))));
    int unset = Parallel.builder().build().effectiveNJobs();
    return List.of(
        MpTestSupport.pid(), mpPids, warnings, byDefault.backendName(), unset, defaultPids);
  }

  @Test
  void belowThreadsANestedMultiprocessingCallRunsWithOneJobAndWarns() {
    try (LogCapture log = LogCapture.parallelWarnings()) {
      List<List<Long>> r =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  Parallel.builder()
                      .backend("threading")
                      .nJobs(2)
                      .build()
                      .run(
                          IntStream.range(0, 2)
                              .mapToObj(
                                  i ->
                                      delayed(MultiprocessingNestingTest::nestedMultiprocessing))));
      // n_jobs=1: the nested tasks ran in the worker thread, in this JVM
      assertThat(r)
          .hasSize(2)
          .allSatisfy(pids -> assertThat(pids).containsOnly(PARENT_PID).hasSize(3));
      assertThat(log.warnings()).containsExactly(BELOW_THREADS, BELOW_THREADS);
    }
  }

  @Test
  void insideAMultiprocessingWorkerANestedMultiprocessingCallRunsWithOneJobAndWarns() {
    List<List<Object>> r;
    try (LogCapture log = LogCapture.parallelWarnings()) {
      r =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  mp(2)
                      .batchSize(1)
                      .build()
                      .run(
                          IntStream.range(0, 2)
                              .mapToObj(
                                  i -> delayed(MultiprocessingNestingTest::nestedInsideAWorker))));
      assertThat(log.warnings()).as("nothing is logged in the caller").isEmpty();
    }
    assertThat(r).hasSize(2).allSatisfy(v -> assertNestedInWorker(v, IN_MULTIPROCESSING));
  }

  @Test
  @SuppressWarnings("unchecked")
  void insideAMultiprocessingWorkerANestedLokyCallRunsWithOneJobAndWarns() {
    List<List<Object>> r =
        assertTimeoutPreemptively(
            GENEROUS,
            () ->
                mp(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 2)
                            .mapToObj(
                                i ->
                                    delayed(MultiprocessingNestingTest::nestedLokyInsideAWorker))));
    assertThat(r)
        .hasSize(2)
        .allSatisfy(
            v -> {
              long workerPid = (Long) v.get(0);
              assertThat(workerPid).isNotEqualTo(PARENT_PID);
              assertThat((List<Long>) v.get(1))
                  .as("nested loky ran in the worker itself")
                  .hasSize(3)
                  .containsOnly(workerPid);
              assertThat((List<String>) v.get(2)).containsExactly(LOKY_IN_MULTIPROCESSING);
              assertThat((List<Long>) v.get(3)).as("no loky pool started in the worker").isEmpty();
            });
  }

  @Test
  void insideALokyWorkerANestedMultiprocessingCallRunsWithOneJobAndWarns() {
    try {
      List<List<Object>> r =
          assertTimeoutPreemptively(
              GENEROUS,
              () ->
                  Parallel.builder()
                      .backend("loky")
                      .nJobs(2)
                      .batchSize(1)
                      .build()
                      .run(
                          IntStream.range(0, 2)
                              .mapToObj(
                                  i -> delayed(MultiprocessingNestingTest::nestedInsideAWorker))));
      assertThat(r).hasSize(2).allSatisfy(v -> assertNestedInWorker(v, BELOW_LOKY));
    } finally {
      LokyBackend.shutdown();
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertNestedInWorker(List<Object> v, String warning) {
    long workerPid = (Long) v.get(0);
    assertThat(workerPid).isNotEqualTo(PARENT_PID);
    assertThat((List<Long>) v.get(1))
        .as("nested multiprocessing ran in the worker itself")
        .hasSize(3)
        .containsOnly(workerPid);
    assertThat((List<String>) v.get(2)).containsExactly(warning);
    // A34: by default a nested call uses threads of the same worker JVM, and an unset n_jobs means
    // 1
    assertThat(v.get(3)).isEqualTo("threading");
    assertThat(v.get(4)).isEqualTo(1);
    assertThat((List<Long>) v.get(5)).hasSize(4).containsOnly(workerPid);
  }
}
