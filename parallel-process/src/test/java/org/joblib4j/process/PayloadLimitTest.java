package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.spi.Batch;
import org.joblib4j.tck.SerializedZeros;
import org.junit.jupiter.api.Test;

/**
 * A batch or a batch's results larger than one frame carries fails at once with the task and its
 * size, measured without holding the bytes, instead of an {@code OutOfMemoryError} after copies.
 */
class PayloadLimitTest {
  /**
   * A task, and a result, whose serialized form carries {@code count} zero bytes that nobody keeps.
   */
  static final class Zeros implements Task<Object>, Serializable {
    private static final long serialVersionUID = 1L;
    private final SerializedZeros payload;

    Zeros(long count) {
      this.payload = new SerializedZeros(count);
    }

    @Override
    public Object call() {
      return null;
    }
  }

  /** A small task that travels Java-serialized. */
  static final class Small implements Task<Object>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object call() {
      return 1;
    }
  }

  static long[] totals(Object... values) throws IOException {
    return SerializedZeros.totals(values);
  }

  @Test
  void theLimitIsWhatAFrameCarries() {
    assertThat(FrameChannel.MAX_PAYLOAD).isEqualTo(Integer.MAX_VALUE - 16 - 9);
  }

  @Test
  void aCappedBufferKeepsWhatFitsAndRefusesTheFirstByteBeyond() throws IOException {
    CappedBuffer buffer = new CappedBuffer(4, 100);
    byte[] expected = new byte[100];
    for (int i = 0; i < 100; i++) {
      expected[i] = (byte) i;
    }
    buffer.write(expected, 0, 7);
    buffer.write(expected[7]);
    buffer.write(expected, 8, 92);
    assertThat(buffer.toByteArray()).isEqualTo(expected);
    assertThatThrownBy(() -> buffer.write(0))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessage("more than 100 bytes, the most one frame between JVMs carries");
    assertThatThrownBy(() -> new CappedBuffer(4, 100).write(new byte[101], 0, 101))
        .isInstanceOf(PayloadTooLargeException.class);
  }

  @Test
  void aTaskLargerThanTheLimitIsNamedWithItsSize() throws IOException {
    BatchShipper shipper = new BatchShipper(5000);
    Batch batch = new Batch(10, List.of(new Small(), new Zeros(8000), new Small()), null);
    TaskSerializationException e =
        catchThrowableOfType(() -> shipper.serialize(batch), TaskSerializationException.class);
    long[] t = totals(new Small(), new Zeros(8000));
    assertThat(e.taskIndex()).isEqualTo(11);
    assertThat(e)
        .hasMessage(
            "Could not serialize the task to send it to the workers. Task 11 takes "
                + (t[1] - t[0])
                + " bytes serialized, more than the 5000 bytes one batch can carry to a worker JVM. Let"
                + " large primitive arrays go to memory-mapped files (maxNbytes) or read large data from"
                + " shared storage in the task.")
        .hasCauseInstanceOf(PayloadTooLargeException.class);
  }

  @Test
  void aBatchTooLargeAsAWholeNamesTheTaskThatTakesItPastTheLimit() throws IOException {
    BatchShipper shipper = new BatchShipper(5000);
    List<Task<?>> tasks = List.of(new Zeros(3000), new Zeros(3000), new Zeros(3000));
    TaskSerializationException e =
        catchThrowableOfType(
            () -> shipper.serialize(new Batch(0, tasks, null)), TaskSerializationException.class);
    long[] t = totals(tasks.toArray());
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e)
        .hasMessage(
            "Could not serialize the task to send it to the workers. Task 1 takes the batch of tasks"
                + " 0..2 to "
                + t[1]
                + " bytes serialized (it adds "
                + (t[1] - t[0])
                + " bytes), more than"
                + " the 5000 bytes one batch can carry to a worker JVM. Let large primitive arrays go to"
                + " memory-mapped files (maxNbytes), read large data from shared storage in the task, or"
                + " use a smaller batch size.");
  }

  @Test
  void aBatchShippedWithSharedValuesIsMeasuredTheSameWay() throws IOException {
    BatchShipper shipper = new BatchShipper(5000);
    shipper.startCall(null, null, new SharingOptions(List.of(), true, 1000), Map.of());
    List<Task<?>> tasks = List.of(new Zeros(3000), new Zeros(3000), new Zeros(3000));
    TaskSerializationException e =
        catchThrowableOfType(
            () -> shipper.ship(new Batch(0, tasks, null)), TaskSerializationException.class);
    long[] t = totals(tasks.toArray());
    assertThat(e.taskIndex()).isEqualTo(1);
    assertThat(e.getMessage())
        .startsWith(
            "Could not serialize the task to send it to the workers. Task 1 takes the batch of tasks"
                + " 0..2 to "
                + t[1]
                + " bytes serialized (it adds "
                + (t[1] - t[0])
                + " bytes)");
    shipper.endCall();
  }

  @Test
  void aTaskOfTwoGibibytesIsMeasuredAtTheRealLimitWithoutKeepingItsBytes() throws IOException {
    // what BatchShipper does once its buffer passes the real limit: count the tasks' bytes, keep
    // none
    Zeros huge = new Zeros(1L << 31);
    // its size without writing it: every 64 KiB of zeros costs the same (64 blocks and their
    // headers)
    long empty = totals(new Zeros(0))[0];
    long per64k = totals(new Zeros(1 << 16))[0] - empty;
    long[] t = {empty + (1L << 15) * per64k};
    TaskSerializationException e =
        SerializationDiagnostics.diagnose(
            new Batch(40, List.of(huge), null),
            new PayloadTooLargeException(FrameChannel.MAX_PAYLOAD),
            new JavaTaskSerializer(null, null, true));
    assertThat(e.taskIndex()).isEqualTo(40);
    assertThat(e)
        .hasMessage(
            "Could not serialize the task to send it to the workers. Task 40 takes "
                + t[0]
                + " bytes"
                + " serialized, more than the 2147483622 bytes one batch can carry to a worker JVM. Let"
                + " large primitive arrays go to memory-mapped files (maxNbytes) or read large data from"
                + " shared storage in the task.");
  }

  @Test
  void aResultLargerThanTheLimitIsNamedWithItsSize() throws IOException {
    List<Object> results = new ArrayList<>(List.of(1, new Zeros(6000)));
    JavaTaskSerializer serializer = new JavaTaskSerializer(null, null, false, 5000);
    Throwable failure =
        catchThrowableOfType(() -> ResultsCodec.encode(results, serializer), IOException.class);
    TaskSerializationException e =
        SerializationDiagnostics.resultsTooLarge(7, results, failure, serializer);
    long[] t = totals(1, new Zeros(6000));
    assertThat(e.taskIndex()).isEqualTo(8);
    assertThat(e)
        .hasMessage(
            "The result of task 8 takes "
                + (t[1] - t[0])
                + " bytes serialized, more than the 5000 bytes"
                + " one batch's results can carry back from a worker JVM. Write large results to shared"
                + " storage and return where they are.");
    assertThat(
            SerializationDiagnostics.resultsTooLarge(
                7, results, new IOException("other"), serializer))
        .isNull();
  }
}
