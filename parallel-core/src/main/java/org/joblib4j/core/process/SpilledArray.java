package org.joblib4j.core.process;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What travels instead of a large primitive array: the file it was written to. A worker maps the
 * file and rebuilds the array once per call ({@link MappedArrays}), then shares it between the
 * tasks it runs (treat it as read-only, as joblib's memmaps are).
 */
final class SpilledArray implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final char kind;
  private final int length;
  /** The nested rows' lengths depth first ({@link NestedShape}), or {@code null} for a flat array. */
  private final int[] shape;

  SpilledArray(Path path, char kind, int length, int[] shape) {
    this.path = path.toString();
    this.kind = kind;
    this.length = length;
    this.shape = shape;
  }

  /** The file it was written to, as the writer named it. */
  String path() {
    return path;
  }

  /**
   * Maps the file and rebuilds the array; {@link MappedArrays} checks the file and keeps the array.
   *
   * @param file the checked file
   * @return the array
   * @throws IOException if the file cannot be read
   */
  Object read(Path file) throws IOException {
    Object flat = readFlat(file);
    return shape == null ? flat : NestedShape.rebuild(flat, shape);
  }

  private Object readFlat(Path file) throws IOException {
    // no symbolic link at the last step, whatever changed since the check
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      ByteBuffer b = map.order(ByteOrder.nativeOrder());
      switch (kind) {
        case 'D': {
          double[] a = new double[length];
          b.asDoubleBuffer().get(a);
          return a;
        }
        case 'J': {
          long[] a = new long[length];
          b.asLongBuffer().get(a);
          return a;
        }
        case 'I': {
          int[] a = new int[length];
          b.asIntBuffer().get(a);
          return a;
        }
        case 'F': {
          float[] a = new float[length];
          b.asFloatBuffer().get(a);
          return a;
        }
        case 'S': {
          short[] a = new short[length];
          b.asShortBuffer().get(a);
          return a;
        }
        case 'C': {
          char[] a = new char[length];
          b.asCharBuffer().get(a);
          return a;
        }
        default: {
          byte[] a = new byte[length];
          b.get(a);
          return a;
        }
      }
    } catch (NoSuchFileException e) {
      throw new IOException(
          "The memory-mapped array file " + path + " is gone: its call already ended.", e);
    }
  }
}
