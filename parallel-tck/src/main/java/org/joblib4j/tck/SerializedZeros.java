package org.joblib4j.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * A value whose serialized form ends with {@code count} zero bytes that nobody keeps: a task
 * argument or a result as large as a test needs (2 GiB included) without its memory. Read back, it
 * is an empty value.
 */
public final class SerializedZeros implements Serializable {
  private static final long serialVersionUID = 1L;
  private final transient long count;

  /**
   * Creates the value.
   *
   * @param count how many zero bytes its serialized form carries
   */
  public SerializedZeros(long count) {
    this.count = count;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    byte[] zeros = new byte[1 << 16];
    for (long left = count; left > 0; left -= zeros.length) {
      out.write(zeros, 0, (int) Math.min(left, zeros.length));
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
  }

  /**
   * The totals after each value that one plain Java serialization stream writes.
   *
   * @param values the values
   * @return the stream's size after each
   * @throws IOException if a value cannot be serialized
   */
  public static long[] totals(Object... values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long[] totals = new long[values.length];
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      for (int i = 0; i < values.length; i++) {
        out.writeObject(values[i]);
        out.flush();
        totals[i] = bytes.size();
      }
    }
    return totals;
  }

  /**
   * What a {@code SerializedZeros(count)} written after {@code before} adds to a stream, computed
   * without writing its zeros (every 64 KiB of zeros costs the same: 64 blocks and their headers).
   *
   * @param before the value written first in the stream
   * @param count a multiple of 64 KiB
   * @return the bytes it adds
   * @throws IOException if {@code before} cannot be serialized
   */
  public static long sizeAfter(Object before, long count) throws IOException {
    if (count % (1 << 16) != 0) {
      throw new IllegalArgumentException("count must be a multiple of 64 KiB: " + count);
    }
    long[] empty = totals(before, new SerializedZeros(0));
    long[] one = totals(before, new SerializedZeros(1 << 16));
    long per64k = one[1] - empty[1];
    return empty[1] - empty[0] + (count >> 16) * per64k;
  }
}
