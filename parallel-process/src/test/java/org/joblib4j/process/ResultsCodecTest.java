package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.TaskFailure;
import org.junit.jupiter.api.Test;

class ResultsCodecTest {
  private final JavaTaskSerializer java = new JavaTaskSerializer();

  @Test
  void compactResultsTravelWithoutJavaSerialization() throws Exception {
    List<Object> results = new ArrayList<>(Arrays.asList(1, null, 2L, 3.5, "four", true, 'c'));
    byte[] payload = ResultsCodec.encode(results, java);
    assertThat(payload[0]).isEqualTo((byte) 1);
    assertThat(payload).hasSize(1 + 4 + 5 + 1 + 9 + 9 + (2 + 8) + 1 + 3);
    assertThat(ResultsCodec.decode(payload, java)).isEqualTo(results);
  }

  @Test
  void manyResultsGrowTheBuffer() throws Exception {
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      results.add(i % 3 == 0 ? (Object) ("s" + i) : (Object) (long) i);
    }
    assertThat(ResultsCodec.decode(ResultsCodec.encode(results, java), java)).isEqualTo(results);
  }

  @Test
  void otherResultsAndFailuresAreJavaSerialized() throws Exception {
    List<Object> results =
        new ArrayList<>(
            Arrays.asList(1, List.of(2), TaskFailure.of(3, new IllegalStateException("boom"))));
    byte[] payload = ResultsCodec.encode(results, java);
    assertThat(payload[0]).isEqualTo((byte) 0xAC);
    @SuppressWarnings("unchecked")
    List<Object> back = (List<Object>) ResultsCodec.decode(payload, java);
    assertThat(back.subList(0, 2)).containsExactly(1, List.of(2));
    assertThat(back.get(2)).isInstanceOf(TaskFailure.class);
    Object failure =
        ResultsCodec.decode(
            java.serialize(new BatchTaskException(7, new IllegalStateException("boom"))), java);
    assertThat(failure).isInstanceOf(BatchTaskException.class);
  }

  @Test
  void corruptCompactPayloadsAreReported() {
    assertThatThrownBy(() -> ResultsCodec.decode(new byte[] {1, 0, 0, 0, 9, 1}, java))
        .isInstanceOf(StreamCorruptedException.class)
        .hasMessage("corrupt compact results: 9 values in 1 bytes");
    assertThatThrownBy(() -> ResultsCodec.decode(new byte[] {1, 0, 0, 0, 1, 1, 0, 0}, java))
        .isInstanceOf(EOFException.class)
        .hasMessage("needed 4 more bytes, 2 left");
    assertThatThrownBy(() -> ResultsCodec.decode(new byte[] {1, 0, 0, 0, 1, 0, 0}, java))
        .isInstanceOf(StreamCorruptedException.class)
        .hasMessage("corrupt compact results: 1 bytes after the values");
  }

  @Test
  void byteSinkAndSourceMatchDataOutputStream() throws Exception {
    ByteSink sink = new ByteSink(1);
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream data = new java.io.DataOutputStream(expected);
    for (java.io.DataOutput out : new java.io.DataOutput[] {sink, data}) {
      out.writeBoolean(true);
      out.writeByte(-2);
      out.writeShort(-3);
      out.writeChar('é');
      out.writeInt(-4);
      out.writeLong(Long.MIN_VALUE + 5);
      out.writeFloat(6.5f);
      out.writeDouble(-7.25);
      out.writeBytes("ab");
      out.writeChars("cd");
      out.write(new byte[] {8, 9}, 1, 1);
    }
    byte[] bytes = sink.toByteArray();
    assertThat(bytes).isEqualTo(expected.toByteArray());
    ByteSource in = new ByteSource(bytes, 0);
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readByte()).isEqualTo((byte) -2);
    assertThat(in.readShort()).isEqualTo((short) -3);
    assertThat(in.readChar()).isEqualTo('é');
    assertThat(in.readInt()).isEqualTo(-4);
    assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE + 5);
    assertThat(in.readFloat()).isEqualTo(6.5f);
    assertThat(in.readDouble()).isEqualTo(-7.25);
    assertThat(in.readUnsignedByte()).isEqualTo('a');
    assertThat(in.skipBytes(1)).isEqualTo(1);
    assertThat(in.readUnsignedShort()).isEqualTo('c');
    byte[] rest = new byte[3];
    in.readFully(rest);
    assertThat(rest).containsExactly(0, 'd', 9);
    assertThat(in.remaining()).isZero();
    assertThat(in.skipBytes(5)).isZero();
  }
}
