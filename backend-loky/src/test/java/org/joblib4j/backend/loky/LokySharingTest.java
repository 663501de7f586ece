package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Task;
import org.joblib4j.process.TransferCounters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shared data travels once (auto-scatter and {@code scatter} on worker JVMs): a large argument or
 * captured value that many tasks use is serialized once per call and sent once to each worker.
 */
class LokySharingTest {
  /** About 1.6 MB of doubles in 200 rows: never memory-mapped (not a primitive array). */
  static List<double[]> rows() {
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < 200; r++) {
      double[] row = new double[1000];
      for (int c = 0; c < row.length; c++) {
        row[c] = r + c * 0.001;
      }
      rows.add(row);
    }
    return rows;
  }

  /** A data-set-like record around a nested array (below maxNbytes, so it is not memory-mapped). */
  record Dataset(String name, double[][] x) implements Serializable {}

  static double rowSum(List<double[]> rows, int r) {
    double s = 0;
    for (double v : rows.get(r % rows.size())) {
      s += v;
    }
    return s;
  }

  static double cell(Dataset d, int i) {
    return d.x()[i % d.x().length][i % d.x()[0].length];
  }

  static int held() {
    return TransferCounters.sharedValuesHeld();
  }

  /** This worker's pid and its used heap after a full GC. */
  static long[] retainedHeap() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return new long[] {ProcessHandle.current().pid(), r.totalMemory() - r.freeMemory()};
  }

  static Map<Long, Long> retainedHeapByWorker() {
    Map<Long, Long> out = new java.util.HashMap<>();
    for (long[] pidAndHeap :
        loky(2)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 8).mapToObj(i -> delayed(LokySharingTest::retainedHeap)))) {
      out.merge(pidAndHeap[0], pidAndHeap[1], Math::min);
    }
    return out;
  }

  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  @Test
  void aCapturedListSharedByEveryTaskIsSerializedOnceAndSentOncePerWorker() {
    List<double[]> rows = rows();
    List<Task<Double>> tasks =
        IntStream.range(0, 40)
            .mapToObj(i -> (Task<Double>) () -> rowSum(rows, i))
            .collect(Collectors.toList());
    long serialized = TransferCounters.sharedValuesSerialized();
    long sent = TransferCounters.sharedValuesSent();
    long bytes = TransferCounters.bytesSent();

    List<Double> out = loky(2).batchSize(1).build().run(tasks);

    assertThat(out)
        .containsExactlyElementsOf(
            IntStream.range(0, 40).mapToObj(i -> rowSum(rows, i)).collect(Collectors.toList()));
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);
    assertThat(TransferCounters.sharedValuesSent() - sent).isBetween(1L, 2L);
    // the first task's batch carries it (a value only one task uses is not shared), then one copy
    // per worker at most, not one per task (40 × 1.6 MB)
    assertThat(TransferCounters.bytesSent() - bytes).isLessThan(3 * 1_700_000L + 200_000L);
  }

  @Test
  void aRecordWithANestedArrayPassedAsAnArgumentIsSharedAndReleasedWhenTheCallEnds() {
    double[][] x = new double[100][100];
    for (int i = 0; i < 100; i++) {
      x[i][i] = i;
    }
    Dataset d = new Dataset("diagonal", x);
    long serialized = TransferCounters.sharedValuesSerialized();

    List<Double> out =
        loky(2)
            .batchSize(2)
            .build()
            .run(IntStream.range(0, 30).mapToObj(i -> delayed(LokySharingTest::cell, d, i)));

    assertThat(out)
        .containsExactlyElementsOf(
            IntStream.range(0, 30).mapToObj(i -> cell(d, i)).collect(Collectors.toList()));
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);
    // the next call's tasks see no value left over from the last one, in every worker
    assertThat(
            loky(2)
                .batchSize(1)
                .build()
                .run(IntStream.range(0, 8).mapToObj(i -> delayed(LokySharingTest::held))))
        .containsOnly(0);
  }

  @Test
  void fiftyCallsLeaveNothingHeldInTheWorkers() {
    List<double[]> rows = rows();
    Map<Long, Long> before = retainedHeapByWorker();
    for (int call = 0; call < 50; call++) {
      int c = call;
      List<Double> out =
          loky(2)
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> (Task<Double>) () -> rowSum(rows, i + c)));
      assertThat(out.get(0)).isEqualTo(rowSum(rows, c));
    }
    assertThat(
            loky(2)
                .batchSize(1)
                .build()
                .run(IntStream.range(0, 8).mapToObj(i -> delayed(LokySharingTest::held))))
        .containsOnly(0);
    // 50 calls × 1.6 MB shared: a worker that kept them would have grown by up to 80 MB
    Map<Long, Long> after = retainedHeapByWorker();
    assertThat(after.keySet())
        .as("the same workers served every call")
        .containsAnyElementsOf(before.keySet());
    after.forEach(
        (pid, heap) -> {
          if (before.containsKey(pid)) {
            assertThat(heap - before.get(pid))
                .as("heap growth of worker %s", pid)
                .isLessThan(8_000_000L);
          }
        });
  }

  @Test
  void concurrentCallsSharingOneObjectOnTheSharedPoolAreBothCorrect() throws Exception {
    List<double[]> rows = rows();
    CountDownLatch bothStarted = new CountDownLatch(2);
    List<CompletableFuture<List<Double>>> calls = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      int offset = k * 100;
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                bothStarted.countDown();
                await(bothStarted);
                return loky(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 30)
                            .mapToObj(i -> (Task<Double>) () -> rowSum(rows, i + offset)));
              }));
    }
    for (int k = 0; k < 2; k++) {
      int offset = k * 100;
      assertThat(calls.get(k).get(120, TimeUnit.SECONDS))
          .containsExactlyElementsOf(
              IntStream.range(0, 30)
                  .mapToObj(i -> rowSum(rows, i + offset))
                  .collect(Collectors.toList()));
    }
    assertThat(
            loky(2)
                .batchSize(1)
                .build()
                .run(IntStream.range(0, 8).mapToObj(i -> delayed(LokySharingTest::held))))
        .containsOnly(0);
  }

  @Test
  void recycledWorkersGetTheValueOnDemand() {
    List<double[]> rows = rows();
    long sent = TransferCounters.sharedValuesSent();

    List<Double> out =
        Parallel.builder()
            .backend("loky", Map.of("max-tasks-per-worker", 3))
            .nJobs(2)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 12).mapToObj(i -> (Task<Double>) () -> rowSum(rows, i)));

    assertThat(out)
        .containsExactlyElementsOf(
            IntStream.range(0, 12).mapToObj(i -> rowSum(rows, i)).collect(Collectors.toList()));
    // 12 tasks, 3 per worker: at least 4 workers, each sent the value once
    assertThat(TransferCounters.sharedValuesSent() - sent).isBetween(4L, 12L);
    LokyBackend.shutdown();
  }

  @Test
  void aKilledWorkersReplacementGetsTheValueOnDemand() throws Exception {
    List<double[]> rows = rows();
    try (Parallel p = loky(2).batchSize(1).build()) {
      p.run(IntStream.range(0, 8).mapToObj(i -> (Task<Double>) () -> rowSum(rows, i)));
      for (long pid : LokyBackend.workerPids()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
      }
      List<Double> out =
          p.run(IntStream.range(0, 8).mapToObj(i -> (Task<Double>) () -> rowSum(rows, i)));
      assertThat(out)
          .containsExactlyElementsOf(
              IntStream.range(0, 8).mapToObj(i -> rowSum(rows, i)).collect(Collectors.toList()));
    }
  }

  @Test
  void scatteredObjectsAreSerializedOnceAndSentOncePerWorkerForTheParallelsLifetime() {
    List<double[]> rows = rows();
    long serialized = TransferCounters.sharedValuesSerialized();
    long sent = TransferCounters.sharedValuesSent();
    try (Parallel p =
        Parallel.builder()
            .backend("loky", Map.of("scatter", List.of(rows), "auto-scatter", false))
            .nJobs(2)
            .batchSize(1)
            .build()) {
      for (int call = 0; call < 3; call++) {
        int c = call;
        List<Double> out =
            p.run(IntStream.range(0, 10).mapToObj(i -> (Task<Double>) () -> rowSum(rows, i + c)));
        assertThat(out)
            .containsExactlyElementsOf(
                IntStream.range(0, 10)
                    .mapToObj(i -> rowSum(rows, i + c))
                    .collect(Collectors.toList()));
      }
    }
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);
    assertThat(TransferCounters.sharedValuesSent() - sent).isBetween(1L, 2L);
    assertThat(
            loky(2)
                .batchSize(1)
                .build()
                .run(IntStream.range(0, 8).mapToObj(i -> delayed(LokySharingTest::held))))
        .containsOnly(0);
  }

  static double firstColumnSum(Dataset d, int from) {
    double s = 0;
    for (int r = from; r < d.x().length; r += 7) {
      s += d.x()[r][0];
    }
    return s;
  }

  @Test
  void aScatteredMatrixInsideADataSetArgumentTravelsAsTheScatteredValue() {
    // 4.8 MB: alone it would be memory-mapped; scattered, it travels once for the Parallel
    double[][] x = new double[600][1000];
    for (int r = 0; r < x.length; r++) {
      x[r][0] = r;
    }
    Dataset data = new Dataset("train", x);
    long serialized = TransferCounters.sharedValuesSerialized();
    long sent = TransferCounters.sharedValuesSent();
    try (Parallel p =
        Parallel.builder()
            .backend("loky", Map.of("scatter", List.of((Object) x)))
            .nJobs(2)
            .batchSize(1)
            .build()) {
      for (int call = 0; call < 3; call++) {
        List<Double> out =
            p.run(
                IntStream.range(0, 7)
                    .mapToObj(i -> delayed(LokySharingTest::firstColumnSum, data, i)));
        assertThat(out)
            .containsExactlyElementsOf(
                IntStream.range(0, 7)
                    .mapToObj(i -> firstColumnSum(data, i))
                    .collect(Collectors.toList()));
      }
    }
    // the matrix only (the data set around it is small once the matrix is a reference)
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);
    assertThat(TransferCounters.sharedValuesSent() - sent).isBetween(1L, 2L);
  }

  static long filesIn(java.nio.file.Path base) throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(base)) {
      return all.filter(java.nio.file.Files::isRegularFile).count();
    }
  }

  @Test
  void aScatteredArrayAboveMaxNbytesTravelsAsOneMemoryMappedFileForTheParallelsLifetime(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path base) throws Exception {
    double[][] x = new double[600][1000];
    for (int r = 0; r < x.length; r++) {
      x[r][0] = r;
    }
    Dataset data = new Dataset("train", x);
    try (Parallel p =
        Parallel.builder()
            .backend("loky", Map.of("scatter", List.of((Object) x)))
            .nJobs(2)
            .batchSize(1)
            .maxNbytes("1M")
            .tempFolder(base)
            .build()) {
      for (int call = 0; call < 2; call++) {
        assertThat(
                p.run(
                    IntStream.range(0, 7)
                        .mapToObj(i -> delayed(LokySharingTest::firstColumnSum, data, i))))
            .containsExactlyElementsOf(
                IntStream.range(0, 7)
                    .mapToObj(i -> firstColumnSum(data, i))
                    .collect(Collectors.toList()));
        // between calls: the scattered matrix's one file, kept for the next call
        assertThat(filesIn(base)).isEqualTo(1);
      }
    }
    assertThat(filesIn(base)).isZero();
  }

  @Test
  void withAutoScatterOffEveryBatchCarriesItsOwnCopy() {
    List<double[]> rows = rows();
    long serialized = TransferCounters.sharedValuesSerialized();
    List<Double> out =
        Parallel.builder()
            .backend("loky", Map.of("auto-scatter", false))
            .nJobs(2)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> (Task<Double>) () -> rowSum(rows, i)));
    assertThat(out).hasSize(4);
    assertThat(TransferCounters.sharedValuesSerialized() - serialized).isZero();
  }

  @Test
  void badSharingOptionsAreRejectedWithJoblibsText() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("loky", Map.of("scatter", 3))
                    .nJobs(2)
                    .build()
                    .run(List.of(() -> 1)))
        .hasMessage("scatter must be a list/tuple, got `Integer`");
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("loky", Map.of("auto-scatter-threshold", "big"))
                    .nJobs(2)
                    .build()
                    .run(List.of(() -> 1)))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'big' for joblib4j.backend.loky.auto-scatter-threshold: must be a size such as 500K, 1M,"
                + " 2G or a number of bytes, or none.");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
