package org.joblib4j.process;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The in-memory stream one payload is serialized into. It fails with {@link
 * PayloadTooLargeException} the moment the payload passes its limit (what one frame carries), and
 * keeps its bytes in chunks, so growing never copies what was written: a too large payload costs at
 * most the limit in memory, never the doublings and copies of a {@code ByteArrayOutputStream} on
 * its way to an {@link OutOfMemoryError}.
 */
final class CappedBuffer extends OutputStream {
  private static final int MAX_CHUNK = 1 << 24;

  private final long limit;
  private final List<byte[]> full = new ArrayList<>();
  private byte[] chunk;
  private int used;

  /** Bytes in the full chunks. */
  private long before;

  /**
   * Creates an empty buffer.
   *
   * @param initial the size of the first chunk
   * @param limit the most bytes it accepts
   */
  CappedBuffer(int initial, long limit) {
    this.chunk = new byte[initial];
    this.limit = limit;
  }

  @Override
  public void write(int b) throws PayloadTooLargeException {
    reserve(1);
    if (used == chunk.length) {
      nextChunk();
    }
    chunk[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws PayloadTooLargeException {
    Objects.checkFromIndexSize(off, len, b.length);
    reserve(len);
    while (len > 0) {
      if (used == chunk.length) {
        nextChunk();
      }
      int n = Math.min(len, chunk.length - used);
      System.arraycopy(b, off, chunk, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  private void reserve(int len) throws PayloadTooLargeException {
    if (before + used + len > limit) {
      throw new PayloadTooLargeException(limit);
    }
  }

  private void nextChunk() {
    full.add(chunk);
    before += chunk.length;
    long room = limit - before;
    chunk = new byte[(int) Math.max(1, Math.min(Math.min(2L * chunk.length, MAX_CHUNK), room))];
    used = 0;
  }

  /** The bytes written, as one array. */
  byte[] toByteArray() {
    byte[] out = new byte[(int) (before + used)];
    int at = 0;
    for (byte[] c : full) {
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    System.arraycopy(chunk, 0, out, at, used);
    return out;
  }
}
