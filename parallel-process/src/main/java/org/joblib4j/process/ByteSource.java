package org.joblib4j.process;

import java.io.DataInput;
import java.io.EOFException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads a byte array through {@link DataInput} (big-endian), the counterpart of {@link ByteSink}.
 */
final class ByteSource implements DataInput {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] buf;
  private int pos;

  ByteSource(byte[] buf, int offset) {
    this.buf = buf;
    this.pos = offset;
  }

  int remaining() {
    return buf.length - pos;
  }

  /** Moves past {@code n} bytes; returns where they start. */
  private int take(int n) throws EOFException {
    if (buf.length - pos < n) {
      throw new EOFException("needed " + n + " more bytes, " + (buf.length - pos) + " left");
    }
    int at = pos;
    pos += n;
    return at;
  }

  @Override
  public void readFully(byte[] b) throws EOFException {
    readFully(b, 0, b.length);
  }

  @Override
  public void readFully(byte[] b, int off, int len) throws EOFException {
    System.arraycopy(buf, take(len), b, off, len);
  }

  @Override
  public int skipBytes(int n) {
    int k = Math.max(0, Math.min(n, buf.length - pos));
    pos += k;
    return k;
  }

  @Override
  public boolean readBoolean() throws EOFException {
    return readByte() != 0;
  }

  @Override
  public byte readByte() throws EOFException {
    return buf[take(1)];
  }

  @Override
  public int readUnsignedByte() throws EOFException {
    return readByte() & 0xff;
  }

  @Override
  public short readShort() throws EOFException {
    return (short) SHORT.get(buf, take(2));
  }

  @Override
  public int readUnsignedShort() throws EOFException {
    return readShort() & 0xffff;
  }

  @Override
  public char readChar() throws EOFException {
    return (char) readShort();
  }

  @Override
  public int readInt() throws EOFException {
    return (int) INT.get(buf, take(4));
  }

  @Override
  public long readLong() throws EOFException {
    return (long) LONG.get(buf, take(8));
  }

  @Override
  public float readFloat() throws EOFException {
    return Float.intBitsToFloat(readInt());
  }

  @Override
  public double readDouble() throws EOFException {
    return Double.longBitsToDouble(readLong());
  }

  @Override
  public String readLine() {
    throw new UnsupportedOperationException("readLine is not used on this path");
  }

  @Override
  public String readUTF() {
    throw new UnsupportedOperationException("readUTF is not used on this path");
  }
}
