package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The one frame layout, plain (worker sockets) and marked (the Dask bridge's pipes). */
class FrameFormatTest {
  private static final FrameFormat MARKED = FrameFormat.marked(0x4A42344A, "the Dask bridge");

  private static byte[] written(FrameFormat format, byte type, long id, byte[]... parts)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    format.write(new DataOutputStream(bytes), type, id, parts);
    return bytes.toByteArray();
  }

  private static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  @Test
  void aFrameWrittenInPartsIsReadAsOnePayload() throws IOException {
    byte[] bytes = written(FrameFormat.PLAIN, (byte) 3, 77, new byte[] {1, 2}, new byte[] {3});
    assertThat(bytes).hasSize(4 + FrameFormat.HEADER + 3);
    assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(FrameFormat.HEADER + 3);

    Frame f = FrameFormat.PLAIN.read(in(bytes), FrameFormat.MAX_FRAME);
    assertThat(f.type()).isEqualTo((byte) 3);
    assertThat(f.id()).isEqualTo(77);
    assertThat(f.payload()).containsExactly(1, 2, 3);
  }

  @Test
  void aMarkedFrameStartsWithItsMarkerAndReadsBack() throws IOException {
    byte[] bytes = written(MARKED, (byte) 81, -1, new byte[] {9});
    assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(0x4A42344A);
    Frame f = MARKED.read(in(bytes), FrameFormat.MAX_FRAME);
    assertThat(f.type()).isEqualTo((byte) 81);
    assertThat(f.id()).isEqualTo(-1);
    assertThat(f.payload()).containsExactly(9);
  }

  @Test
  void theEndOfTheStreamIsNoFrame() throws IOException {
    assertThat(FrameFormat.PLAIN.read(in(new byte[0]), FrameFormat.MAX_FRAME)).isNull();
    assertThat(MARKED.read(in(new byte[0]), FrameFormat.MAX_FRAME)).isNull();
  }

  @Test
  void strayOutputWhereAMarkerShouldBeIsReportedAsSuch() {
    byte[] stray = "hello from print()\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> MARKED.read(in(stray), FrameFormat.MAX_FRAME))
        .isInstanceOf(IOException.class)
        .hasMessage("corrupt frame on the Dask bridge: expected the marker 4a42344a, got 68656c6c");
  }

  @Test
  void aLengthShorterThanTheHeaderOrLongerThanTheLimitIsRefusedBeforeAllocating() {
    byte[] tooShort = ByteBuffer.allocate(4).putInt(3).array();
    assertThatThrownBy(() -> FrameFormat.PLAIN.read(in(tooShort), FrameFormat.MAX_FRAME))
        .isInstanceOf(IOException.class)
        .hasMessage("corrupt frame on the worker channel: length 3");
    byte[] tooLong = ByteBuffer.allocate(4).putInt(1 << 30).array();
    assertThatThrownBy(() -> FrameFormat.PLAIN.read(in(tooLong), 4096))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "corrupt frame on the worker channel: length 1073741824 exceeds the limit of 4096"
                + " bytes");
  }
}
