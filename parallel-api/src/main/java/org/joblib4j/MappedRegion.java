package org.joblib4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A region of a file seen through consecutive mappings of one chunk each: one mapping cannot pass 2
 * GiB, a {@link MemmapArray} can. Values are in native byte order (numpy's default); a chunk holds
 * whole values, so none straddles two mappings.
 */
final class MappedRegion {
  /** The default chunk: 1 GiB, whole values of every width. */
  static final int CHUNK_SHIFT = 30;

  /** What a closed array sees: no chunk at all. */
  static final MappedRegion CLOSED = new MappedRegion(new ByteBuffer[0], CHUNK_SHIFT, false);

  private final ByteBuffer[] chunks;
  private final int shift;
  private final long mask;
  private final boolean forceable;

  private MappedRegion(ByteBuffer[] chunks, int shift, boolean forceable) {
    this.chunks = chunks;
    this.shift = shift;
    this.mask = (1L << shift) - 1;
    this.forceable = forceable;
  }

  /**
   * Maps {@code bytes} bytes from {@code offset}; the file must already be long enough.
   *
   * @param channel the open file
   * @param mode how to map it
   * @param offset where the region starts
   * @param bytes its size
   * @param shift log2 of the chunk size, at least 3 (tests use small chunks)
   * @return the region
   * @throws IOException if a mapping fails
   */
  static MappedRegion map(
      FileChannel channel, FileChannel.MapMode mode, long offset, long bytes, int shift)
      throws IOException {
    long chunk = 1L << shift;
    int count = (int) ((bytes + chunk - 1) >>> shift);
    ByteBuffer[] chunks = new ByteBuffer[count];
    for (int k = 0; k < count; k++) {
      long from = (long) k << shift;
      chunks[k] =
          channel
              .map(mode, offset + from, Math.min(chunk, bytes - from))
              .order(ByteOrder.nativeOrder());
    }
    return new MappedRegion(chunks, shift, mode == FileChannel.MapMode.READ_WRITE);
  }

  /** Whether this is {@link #CLOSED}. */
  boolean closed() {
    return this == CLOSED;
  }

  private ByteBuffer chunk(long at) {
    return chunks[(int) (at >>> shift)];
  }

  private int within(long at) {
    return (int) (at & mask);
  }

  double getDouble(long at) {
    return chunk(at).getDouble(within(at));
  }

  void putDouble(long at, double v) {
    chunk(at).putDouble(within(at), v);
  }

  long getLong(long at) {
    return chunk(at).getLong(within(at));
  }

  void putLong(long at, long v) {
    chunk(at).putLong(within(at), v);
  }

  int getInt(long at) {
    return chunk(at).getInt(within(at));
  }

  void putInt(long at, int v) {
    chunk(at).putInt(within(at), v);
  }

  /**
   * Copies values between the region and a primitive array, chunk by chunk.
   *
   * @param at the byte where the first value is
   * @param array a {@code double[]}, {@code long[]} or {@code int[]}
   * @param from the array's first element
   * @param count how many values
   * @param width the bytes of one value
   * @param write whether to write the array's values into the region (or read them out)
   */
  void transfer(long at, Object array, int from, int count, int width, boolean write) {
    while (count > 0) {
      ByteBuffer b = chunk(at).duplicate().order(ByteOrder.nativeOrder()).position(within(at));
      int n = Math.min(count, b.remaining() / width);
      copy(b, array, from, n, write);
      at += (long) n * width;
      from += n;
      count -= n;
    }
  }

  private static void copy(ByteBuffer b, Object array, int from, int n, boolean write) {
    if (array instanceof double[]) {
      if (write) b.asDoubleBuffer().put((double[]) array, from, n);
      else b.asDoubleBuffer().get((double[]) array, from, n);
    } else if (array instanceof long[]) {
      if (write) b.asLongBuffer().put((long[]) array, from, n);
      else b.asLongBuffer().get((long[]) array, from, n);
    } else {
      if (write) b.asIntBuffer().put((int[]) array, from, n);
      else b.asIntBuffer().get((int[]) array, from, n);
    }
  }

  /** Writes a shared, writable region's changes to the file ({@code msync}); else nothing. */
  void force() {
    if (forceable) {
      for (ByteBuffer b : chunks) {
        ((MappedByteBuffer) b).force();
      }
    }
  }
}
