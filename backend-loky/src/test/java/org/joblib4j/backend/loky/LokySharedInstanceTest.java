package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.spi.BackendContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One backend instance given to two {@code Parallel}s that run at the same time: neither call's
 * start or end takes the other's memory-mapped arrays away.
 */
class LokySharedInstanceTest {
  private static final Duration AT_MOST = Duration.ofSeconds(120);

  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  static double readAfterGate(int port, double[] data, int i) {
    WorkerGate.pass(port);
    return data[i * 1000];
  }

  static double read(double[] data, int i) {
    return data[i * 1000];
  }

  @Test
  void aSecondCallOnTheSameInstanceLeavesTheFirstCallsArraysInPlace() throws Exception {
    LokyBackend shared = new LokyBackend(BackendContext.empty("loky"));
    double[] a = LokyMemmapTest.bigArray();
    double[] b = LokyMemmapTest.bigArray();
    try (WorkerGate gate = new WorkerGate()) {
      // four one-task batches sent at once: two run (held at the gate), two wait in the workers,
      // still to be read from the call's memory-mapped file
      CompletableFuture<List<Double>> first =
          CompletableFuture.supplyAsync(
              () ->
                  Parallel.builder()
                      .backend(shared)
                      .nJobs(2)
                      .batchSize(1)
                      .preDispatch(4)
                      .maxNbytes("1M")
                      .build()
                      .run(
                          IntStream.range(0, 4)
                              .mapToObj(
                                  i ->
                                      delayed(
                                          LokySharedInstanceTest::readAfterGate,
                                          gate.port(),
                                          a,
                                          i))));
      gate.awaitArrivals(2, AT_MOST);

      // the second call starts and ends on the same instance while the first is held
      CompletableFuture<List<Double>> second =
          CompletableFuture.supplyAsync(
              () ->
                  Parallel.builder()
                      .backend(shared)
                      .nJobs(2)
                      .batchSize(1)
                      .maxNbytes("1M")
                      .build()
                      .run(
                          IntStream.range(0, 4)
                              .mapToObj(i -> delayed(LokySharedInstanceTest::read, b, i))));
      gate.open();

      List<Double> expected =
          IntStream.range(0, 4).mapToObj(i -> a[i * 1000]).collect(Collectors.toList());
      assertThat(first.get(AT_MOST.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
      assertThat(second.get(AT_MOST.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
    }
  }
}
