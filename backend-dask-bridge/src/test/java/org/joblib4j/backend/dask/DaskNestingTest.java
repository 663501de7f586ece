package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.joblib4j.backend.dask.DaskTestSupport.local;
import static org.joblib4j.backend.dask.DaskTestSupport.with;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nested calls go back to the cluster without deadlocking two single-thread workers, and submit
 * options reach Dask.
 */
@SuppressWarnings("try") // scopes held open for their effect
@Timeout(120)
class DaskNestingTest {
  static final Map<String, Object> LOCAL = local();

  @BeforeAll
  static void cluster() {
    DaskTestSupport.requireDask();
  }

  /** Two inner calls on the cluster; returns the executor JVM pids they ran in. */
  static List<Long> nestedPids(int ignored) {
    Set<Long> pids = new HashSet<>();
    for (int k = 0; k < 2; k++) {
      pids.addAll(
          Parallel.builder()
              .nJobs(2)
              .build()
              .<Long>run(IntStream.range(0, 2).mapToObj(i -> delayed(DaskTestSupport::pid))));
    }
    return new ArrayList<>(pids);
  }

  // joblib: test_dask.py::test_nested_backend_context_manager,
  // test_dask.py::test_secede_with_no_processes
  @Test
  void nestedCallsStepOutOfTheirWorkerSlot() {
    for (int round = 0; round < 2; round++) {
      try (ParallelConfig.Scope s = ParallelConfig.builder().backend("dask", LOCAL).open()) {
        // 10 outer tasks on two single-thread workers, each waiting for inner tasks: without
        // secede/rejoin the two running outer tasks would hold both slots forever
        List<List<Long>> groups =
            Parallel.builder()
                .nJobs(2)
                .build()
                .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskNestingTest::nestedPids, i)));
        assertThat(groups).hasSize(10).allSatisfy(g -> assertThat(g).hasSizeBetween(1, 2));
      }
    }
  }

  static double sumRange(double[] slice, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += slice[i];
    }
    return s;
  }

  /** An inner call whose argument (8 KB) is scattered from inside the worker. */
  static double nestedSum(double[] slice) {
    List<Double> parts =
        Parallel.builder()
            .build()
            .run(
                IntStream.range(0, 10)
                    .mapToObj(
                        j -> delayed(DaskNestingTest::sumRange, slice, j * 100, (j + 1) * 100)));
    return parts.stream().mapToDouble(Double::doubleValue).sum();
  }

  // joblib: test_dask.py::test_nested_scatter
  @Test
  void nestedScatterCompletes() {
    double[] data = IntStream.range(0, 10_000).asDoubleStream().toArray();
    Map<String, Object> opts = with(LOCAL, "auto-scatter-threshold", 1000);
    for (int round = 0; round < 2; round++) {
      List<Double> sums =
          dask(opts)
              .build()
              .run(
                  IntStream.range(0, 10)
                      .mapToObj(
                          i ->
                              delayed(
                                  DaskNestingTest::nestedSum,
                                  java.util.Arrays.copyOfRange(data, i * 1000, (i + 1) * 1000))));
      double total = sums.stream().mapToDouble(Double::doubleValue).sum();
      assertThat(total).isEqualTo(IntStream.range(0, 10_000).asDoubleStream().sum());
    }
  }

  static String innerBackend() {
    return Parallel.builder().build().backendName();
  }

  /** The middle call's backend, then what the calls inside its tasks get. */
  static List<String> middle(String require) {
    Parallel.Builder b = Parallel.builder().nJobs(2);
    if (require != null) {
      b.require(Require.valueOf(require));
    }
    Parallel p = b.build();
    List<String> out = new ArrayList<>();
    out.add(p.backendName());
    out.addAll(
        p.<String>run(IntStream.range(0, 2).mapToObj(i -> delayed(DaskNestingTest::innerBackend))));
    return out;
  }

  static List<List<String>> outer(String require) {
    return Parallel.builder()
        .nJobs(2)
        .prefer(Prefer.THREADS)
        .build()
        .run(IntStream.range(0, 2).mapToObj(i -> delayed(DaskNestingTest::middle, require)));
  }

  // joblib: test_dask.py::test_correct_nested_backend
  @Test
  void sharedMemoryNestedBelowDaskSwitchesToThreads() {
    // prefer=threads is only a hint: below dask, calls stay on dask at every level
    List<List<List<String>>> r1 =
        dask(LOCAL).build().run(List.of(delayed(DaskNestingTest::outer, (String) null)));
    assertThat(r1.get(0))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).containsExactly("dask", "dask", "dask"));
    // require=sharedmem is a constraint: that call runs on threads inside its Dask task (and the
    // calls below a nested threading call run sequentially, as everywhere in joblib4j)
    List<List<List<String>>> r2 =
        dask(LOCAL).build().run(List.of(delayed(DaskNestingTest::outer, "SHAREDMEM")));
    assertThat(r2.get(0))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).containsExactly("threading", "sequential", "sequential"));
  }

  // joblib: test_dask.py::test_dask_backend_keywords
  @Test
  void submitOptionsPinTasksToAWorker() {
    List<String> workers = new ArrayList<>(DaskClient.connect(LOCAL).workers().keySet());
    assertThat(workers).hasSize(2);
    for (String w : workers) {
      try (ParallelConfig.Scope s =
          ParallelConfig.builder().backend("dask", with(LOCAL, "workers", w)).open()) {
        List<String> where =
            Parallel.builder()
                .build()
                .run(
                    IntStream.range(0, 10)
                        .mapToObj(i -> delayed(DaskTestSupport::workerAddress, i)));
        assertThat(where).containsOnly(w).hasSize(10);
      }
    }
  }
}
