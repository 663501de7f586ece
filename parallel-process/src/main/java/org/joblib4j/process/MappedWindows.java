package org.joblib4j.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * A file of primitive values seen through consecutive memory mappings of at most one window each:
 * one mapping cannot pass 2 GiB, a memory-mapped array can (up to {@code Integer.MAX_VALUE}
 * elements). Values are in native byte order; a window holds whole values.
 */
final class MappedWindows {
  /** The default window: whole values of every width, far below a mapping's limit. */
  static final long WINDOW = 1L << 30;

  private final FileChannel channel;
  private final FileChannel.MapMode mode;
  private final long size;
  private final long window;
  private ByteBuffer current = ByteBuffer.allocate(0);
  private long next;

  /**
   * Walks a file from its start.
   *
   * @param channel the open file
   * @param mode read-only to read values, read-write to write them
   * @param size the bytes to walk
   * @param window the most bytes mapped at once, a multiple of 8
   */
  MappedWindows(FileChannel channel, FileChannel.MapMode mode, long size, long window) {
    this.channel = channel;
    this.mode = mode;
    this.size = size;
    this.window = window;
  }

  /**
   * Writes values to the file, or reads them from it, at the current position, advancing it.
   *
   * @param array a primitive array
   * @param kind its element type's descriptor letter ({@code D J I F S C B})
   * @param width the bytes of one element
   * @param from the first element
   * @param count how many elements
   * @param write whether to write the array's values (or to read them into it)
   * @throws IOException if a mapping fails
   */
  void transfer(Object array, char kind, int width, int from, int count, boolean write)
      throws IOException {
    while (count > 0) {
      if (current.remaining() < width) {
        long length = Math.min(window, size - next);
        current = channel.map(mode, next, length).order(ByteOrder.nativeOrder());
        next += length;
      }
      int n = Math.min(count, current.remaining() / width);
      copy(current, array, kind, from, n, write);
      current.position(current.position() + n * width);
      from += n;
      count -= n;
    }
  }

  private static void copy(ByteBuffer b, Object array, char kind, int from, int n, boolean write) {
    switch (kind) {
      case 'D':
        if (write) b.asDoubleBuffer().put((double[]) array, from, n);
        else b.asDoubleBuffer().get((double[]) array, from, n);
        break;
      case 'J':
        if (write) b.asLongBuffer().put((long[]) array, from, n);
        else b.asLongBuffer().get((long[]) array, from, n);
        break;
      case 'I':
        if (write) b.asIntBuffer().put((int[]) array, from, n);
        else b.asIntBuffer().get((int[]) array, from, n);
        break;
      case 'F':
        if (write) b.asFloatBuffer().put((float[]) array, from, n);
        else b.asFloatBuffer().get((float[]) array, from, n);
        break;
      case 'S':
        if (write) b.asShortBuffer().put((short[]) array, from, n);
        else b.asShortBuffer().get((short[]) array, from, n);
        break;
      case 'C':
        if (write) b.asCharBuffer().put((char[]) array, from, n);
        else b.asCharBuffer().get((char[]) array, from, n);
        break;
      default:
        // a duplicate: the caller advances the position itself
        if (write) b.duplicate().put((byte[]) array, from, n);
        else b.duplicate().get((byte[]) array, from, n);
    }
  }
}
