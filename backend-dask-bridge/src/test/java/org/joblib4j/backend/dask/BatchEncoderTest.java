package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.Map;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.spi.Batch;
import org.joblib4j.tck.SerializedZeros;
import org.junit.jupiter.api.Test;

/**
 * A batch larger than one frame of the bridge carries fails in the caller with the task that makes
 * it so and its size, as on loky; what fits is written for the executor's plain object stream.
 */
class BatchEncoderTest {
  private final BatchEncoder encoder = new BatchEncoder(null, Map.of(), true, 64 * 1024, 5000);

  @Test
  void theLimitIsWhatASubmitFrameCarriesBesidesItsHead() {
    assertThat(Protocol.MAX_BATCH).isEqualTo(Integer.MAX_VALUE - 16 - 9 - (4L << 20));
  }

  @Test
  void aTaskLargerThanTheLimitIsNamedWithItsSize() throws IOException {
    ZerosTask small = new ZerosTask("d", 0, 10);
    ZerosTask huge = new ZerosTask("d", 1, 8000);
    Batch batch = new Batch(20, List.of(small, huge, new ZerosTask("d", 2, 10)), null);
    TaskSerializationException e =
        catchThrowableOfType(() -> encoder.encode(batch), TaskSerializationException.class);
    long[] t = SerializedZeros.totals(small, huge);
    assertThat(e.taskIndex()).isEqualTo(21);
    assertThat(e)
        .hasMessage(
            "Could not serialize the task to send it to the workers. Task 21 takes "
                + (t[1] - t[0])
                + " bytes serialized, more than the 5000 bytes one batch can carry to a worker JVM. Send"
                + " large values once (scatter, auto-scatter) or read large data from shared storage in"
                + " the task.");
  }

  @Test
  void aBatchTooLargeAsAWholeNamesTheTaskThatTakesItPastTheLimit() throws IOException {
    ZerosTask[] tasks = {
      new ZerosTask("d", 0, 3000), new ZerosTask("d", 1, 3000), new ZerosTask("d", 2, 3000)
    };
    TaskSerializationException e =
        catchThrowableOfType(
            () -> encoder.encode(new Batch(0, List.of(tasks), null)),
            TaskSerializationException.class);
    long[] t = SerializedZeros.totals((Object[]) tasks);
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e)
        .hasMessage(
            "Could not serialize the task to send it to the workers. Task 1 takes the batch of tasks 0..2"
                + " to "
                + t[1]
                + " bytes serialized (it adds "
                + (t[1] - t[0])
                + " bytes), more than the"
                + " 5000 bytes one batch can carry to a worker JVM. Send large values once (scatter,"
                + " auto-scatter), read large data from shared storage in the task, or use a smaller batch"
                + " size.");
  }

  @Test
  void aBatchThatFitsIsReadByAPlainObjectStream() throws Exception {
    Batch batch =
        new Batch(3, List.of(new ZerosTask("d", 3, 1000), new ZerosTask("d", 4, 1000)), null);
    BatchEncoder.Encoded encoded = encoder.encode(batch);
    assertThat(encoded.refs()).isEmpty();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(encoded.bytes()))) {
      Batch read = (Batch) in.readObject();
      assertThat(read.firstIndex()).isEqualTo(3);
      assertThat(read.tasks()).hasSize(2);
    }
  }
}
