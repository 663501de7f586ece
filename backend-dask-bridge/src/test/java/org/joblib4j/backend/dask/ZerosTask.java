package org.joblib4j.backend.dask;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.joblib4j.Task;

/**
 * A task whose serialized form ends with {@code count} zero bytes that nobody keeps, and that leaves
 * a file {@code ran-<index>} in its folder when it runs: the batch limit's tests size batches with
 * it and see whether any of it ran.
 */
final class ZerosTask implements Task<Integer>, Serializable {
  private static final long serialVersionUID = 1L;
  private final String dir;
  private final int index;
  private final transient long count;

  ZerosTask(String dir, int index, long count) {
    this.dir = dir;
    this.index = index;
    this.count = count;
  }

  @Override
  public Integer call() throws IOException {
    Files.createFile(Path.of(dir, "ran-" + index));
    return index;
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

  /** The totals after each value that one plain Java serialization stream writes. */
  static long[] totals(Object... values) throws IOException {
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
}
