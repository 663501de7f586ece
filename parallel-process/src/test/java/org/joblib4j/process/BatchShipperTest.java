package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.joblib4j.DelayedCall;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;
import org.junit.jupiter.api.Test;

/** What a worker outside the toolkit (Ray's task runner) reads: both forms a shipper makes. */
class BatchShipperTest {
  private final BatchShipper shipper = new BatchShipper();
  private final ClassLoader loader = BatchShipperTest.class.getClassLoader();

  @Test
  void aCompactBatchReadsBack() throws Exception {
    TaskFunction<Integer, Integer> twice = x -> x * 2;
    Batch batch = new Batch(5, List.of(delayed(twice, 1), delayed(twice, 2)), null);
    byte[] bytes = shipper.serialize(batch);
    assertThat(bytes[0]).as("the compact form's tag").isEqualTo((byte) 2);
    Batch back = BatchShipper.deserialize(bytes, loader);
    assertThat(back.firstIndex()).isEqualTo(5);
    assertThat(back.call()).containsExactly(2, 4);
  }

  @Test
  void aJavaSerializedBatchReadsBack() throws Exception {
    int captured = 10;
    Batch batch =
        new Batch(
            0,
            List.of(delayed((Integer x) -> x + captured, 1)),
            NestedBackend.named("sequential", null, 1));
    byte[] bytes = shipper.serialize(batch);
    assertThat(bytes[0]).as("Java serialization's stream magic").isEqualTo((byte) 0xAC);
    assertThat(BatchShipper.deserialize(bytes, loader).call()).containsExactly(11);
  }

  private static Object firstArgument(Shipment s, byte[] bundle, ClassLoader loader)
      throws Exception {
    return ((DelayedCall<?>) BatchShipper.deserialize(s.bytes(), loader, bundle).tasks().get(0))
        .arg(0);
  }

  private Shipment shipRows(List<double[]> rows) {
    shipper.startCall(
        null, null, new SharingOptions(List.of(), true, SharedValues.DEFAULT_THRESHOLD), Map.of());
    TaskBiFunction<List<double[]>, Integer, Integer> rowLength = (r, i) -> r.get(i).length;
    // two tasks use the rows: a value only one task uses travels in its batch
    return shipper.ship(
        new Batch(0, List.of(delayed(rowLength, rows, 1), delayed(rowLength, rows, 2)), null));
  }

  @Test
  void aLargeValueOnlyOneTaskUsesTravelsInItsBatchAndIsNotKept() throws Exception {
    shipper.startCall(
        null, null, new SharingOptions(List.of(), true, SharedValues.DEFAULT_THRESHOLD), Map.of());
    try {
      TaskBiFunction<List<double[]>, Integer, Integer> rowLength = (r, i) -> r.get(i).length;
      List<double[]> rows = rows();
      java.lang.ref.WeakReference<List<double[]>> gone = new java.lang.ref.WeakReference<>(rows);
      Shipment s = shipper.ship(new Batch(0, List.of(delayed(rowLength, rows, 1)), null));
      assertThat(s.refs()).isEmpty();
      assertThat(s.bytes().length).as("the rows inside the batch").isGreaterThan(8 * 1000 * 100);
      assertThat(BatchShipper.deserialize(s.bytes(), loader).call()).containsExactly(1000);
      // the call does not keep what it looked at: a lazily read call of distinct large values
      // would otherwise hold them all
      rows = null;
      s = null;
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(
              () -> {
                System.gc();
                return gone.get() == null;
              });
    } finally {
      shipper.endCall();
    }
  }

  private static List<double[]> rows() {
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < 100; r++) {
      rows.add(new double[1000]);
    }
    return rows;
  }

  @Test
  void aClusterWorkerRebuildsABundlesSharedValueOnceAcrossBatches() throws Exception {
    BundleCache.reset(64L << 20);
    try {
      Shipment s = shipRows(rows());
      assertThat(s.refs()).hasSize(1);
      byte[] bundle = SharedBlob.bundle(s.refs());

      Object first = firstArgument(s, bundle, loader);
      Object second = firstArgument(s, bundle, loader);

      assertThat(second).isSameAs(first);
      assertThat(BundleCache.size()).isEqualTo(1);
      // nothing is held between batches but the kept value
      assertThat(SharedBlobs.size()).isZero();
    } finally {
      BundleCache.reset(Runtime.getRuntime().maxMemory() / 8);
      shipper.endCall();
    }
  }

  @Test
  void aValueLargerThanTheCachesBudgetIsRebuiltForEveryBatch() throws Exception {
    BundleCache.reset(1000);
    try {
      Shipment s = shipRows(rows());
      byte[] bundle = SharedBlob.bundle(s.refs());

      Object first = firstArgument(s, bundle, loader);
      Object second = firstArgument(s, bundle, loader);

      assertThat(second).isNotSameAs(first);
      assertThat((List<?>) second).hasSameSizeAs((List<?>) first);
      assertThat(BundleCache.size()).isZero();
    } finally {
      BundleCache.reset(Runtime.getRuntime().maxMemory() / 8);
      shipper.endCall();
    }
  }
}
