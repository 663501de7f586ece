package org.joblib4j.process;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte array written through {@link DataOutput} (big-endian, as {@link
 * java.io.DataOutputStream}), without the per-byte virtual calls and locks of a {@code
 * DataOutputStream} over a {@code ByteArrayOutputStream}. Past what one frame carries it throws an
 * {@link UncheckedIOException} of a {@link PayloadTooLargeException}. Not thread-safe.
 */
final class ByteSink implements DataOutput {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf;
  private int size;

  ByteSink(int capacity) {
    buf = new byte[Math.max(capacity, 16)];
  }

  /** The bytes written so far, as a new array. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** Makes room for {@code n} more bytes and claims them; returns where they start. */
  private int claim(int n) {
    ensure(n);
    int at = size;
    size += n;
    return at;
  }

  private void ensure(int more) {
    if (more > buf.length - size) {
      long wanted = Math.max(2L * buf.length, (long) size + more);
      if (wanted > FrameChannel.MAX_PAYLOAD) {
        if ((long) size + more > FrameChannel.MAX_PAYLOAD) {
          throw new UncheckedIOException(new PayloadTooLargeException(FrameChannel.MAX_PAYLOAD));
        }
        wanted = FrameChannel.MAX_PAYLOAD;
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  @Override
  public void write(int b) {
    int at = claim(1);
    buf[at] = (byte) b;
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    int at = claim(len);
    System.arraycopy(b, off, buf, at, len);
  }

  @Override
  public void writeBoolean(boolean v) {
    write(v ? 1 : 0);
  }

  @Override
  public void writeByte(int v) {
    write(v);
  }

  @Override
  public void writeShort(int v) {
    int at = claim(2); // first: it may replace buf
    SHORT.set(buf, at, (short) v);
  }

  @Override
  public void writeChar(int v) {
    writeShort(v);
  }

  @Override
  public void writeInt(int v) {
    int at = claim(4); // first: it may replace buf
    INT.set(buf, at, v);
  }

  @Override
  public void writeLong(long v) {
    int at = claim(8); // first: it may replace buf
    LONG.set(buf, at, v);
  }

  @Override
  public void writeFloat(float v) {
    writeInt(Float.floatToIntBits(v));
  }

  @Override
  public void writeDouble(double v) {
    writeLong(Double.doubleToLongBits(v));
  }

  @Override
  public void writeBytes(String s) {
    int at = claim(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[at + i] = (byte) s.charAt(i);
    }
  }

  @Override
  public void writeChars(String s) {
    int at = claim(2 * s.length());
    for (int i = 0; i < s.length(); i++) {
      SHORT.set(buf, at + 2 * i, (short) s.charAt(i));
    }
  }

  @Override
  public void writeUTF(String s) throws UTFDataFormatException {
    throw new UnsupportedOperationException("writeUTF is not used on this path");
  }
}
