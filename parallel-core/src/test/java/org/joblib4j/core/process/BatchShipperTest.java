package org.joblib4j.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
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
        new Batch(0, List.of(delayed((Integer x) -> x + captured, 1)), NestedBackend.named("sequential", null, 1));
    byte[] bytes = shipper.serialize(batch);
    assertThat(bytes[0]).as("Java serialization's stream magic").isEqualTo((byte) 0xAC);
    assertThat(BatchShipper.deserialize(bytes, loader).call()).containsExactly(11);
  }
}
