package org.joblib4j.process;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What travels instead of a large primitive array: the file it was written to. A worker maps the
 * file and rebuilds the array once per call ({@link MappedArrays}), then shares it between the
 * tasks it runs (treat it as read-only, as joblib's memmaps are); or, with {@link #copyPerBatch},
 * rebuilds it for each batch, so that a task's writes reach no other batch (joblib's {@code
 * mmap_mode} {@code c} and {@code None}).
 */
final class SpilledArray implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final char kind;
  private final int length;

  /**
   * The nested rows' lengths depth first ({@link NestedShape}), or {@code null} for a flat array.
   */
  private final int[] shape;

  /** Whether each batch gets its own copy (else one per worker and call). */
  private final boolean copyPerBatch;

  SpilledArray(Path path, char kind, int length, int[] shape, boolean copyPerBatch) {
    this.path = path.toString();
    this.kind = kind;
    this.length = length;
    this.shape = shape;
    this.copyPerBatch = copyPerBatch;
  }

  /** Whether each batch gets its own copy, so that no task's writes reach another batch. */
  boolean copyPerBatch() {
    return copyPerBatch;
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
    Object flat = readFlat(file, MappedWindows.WINDOW);
    return shape == null ? flat : NestedShape.rebuild(flat, shape);
  }

  /**
   * Reads the flat array through mappings of at most {@code window} bytes (tests use small ones).
   */
  Object readFlat(Path file, long window) throws IOException {
    // no symbolic link at the last step, whatever changed since the check
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      Object a = newArray();
      new MappedWindows(ch, FileChannel.MapMode.READ_ONLY, ch.size(), window)
          .transfer(a, kind, ArraySpiller.width(kind), 0, length, false);
      return a;
    } catch (NoSuchFileException e) {
      throw new IOException(
          "The memory-mapped array file " + path + " is gone: its call already ended.", e);
    }
  }

  private Object newArray() {
    switch (kind) {
      case 'D':
        return new double[length];
      case 'J':
        return new long[length];
      case 'I':
        return new int[length];
      case 'F':
        return new float[length];
      case 'S':
        return new short[length];
      case 'C':
        return new char[length];
      default:
        return new byte[length];
    }
  }
}
