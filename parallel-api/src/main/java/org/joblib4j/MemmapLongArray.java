package org.joblib4j;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link MemmapArray} of {@code long}s (numpy's {@code int64}): 8 bytes a value.
 *
 * <pre>{@code
 * try (MemmapLongArray out = MemmapLongArray.create(folder.resolve("out.bin"), n)) {
 *   parallel.run(IntStream.range(0, n).mapToObj(i -> delayed(() -> { out.set(i, count(i)); return null; })));
 * }
 * }</pre>
 */
public final class MemmapLongArray extends MemmapArray {
  private static final long serialVersionUID = 1L;

  MemmapLongArray(MemmapFiles.Opened opened, MmapMode mode, long offset) {
    super(opened, mode, offset);
  }

  /**
   * numpy's mode {@code w+}: creates the file (mode 0600; an existing file is emptied first) and
   * maps {@code length} zeros, readable and writable; workers map it in mode {@code r+}.
   *
   * @param file the file; its folder must exist, and it must not be a symbolic link
   * @param length the number of values, &gt;= 0
   * @return the array
   * @throws IOException if the file cannot be created or mapped
   */
  public static MemmapLongArray create(Path file, long length) throws IOException {
    return created(file, length, Long.BYTES, MemmapLongArray::new);
  }

  /**
   * Maps an existing file's values, from its start to its end.
   *
   * @param file the file (a symbolic link is followed here; workers map its target)
   * @param mode {@code r}, {@code r+} or {@code c}
   * @return the array
   * @throws IOException if the file cannot be opened or mapped
   */
  public static MemmapLongArray open(Path file, MmapMode mode) throws IOException {
    return opened(file, mode, 0, -1, Long.BYTES, MemmapLongArray::new);
  }

  /**
   * Maps {@code length} values of an existing file from byte {@code offset} (numpy's {@code offset}
   * and {@code shape}); in mode {@code r+} a shorter file is extended, as numpy does.
   *
   * @param file the file (a symbolic link is followed here; workers map its target)
   * @param mode {@code r}, {@code r+} or {@code c}
   * @param offset the byte where the first value is, &gt;= 0
   * @param length the number of values, &gt;= 0
   * @return the array
   * @throws IOException if the file cannot be opened or mapped
   */
  public static MemmapLongArray open(Path file, MmapMode mode, long offset, long length)
      throws IOException {
    return opened(file, mode, offset, checkedLength(length), Long.BYTES, MemmapLongArray::new);
  }

  @Override
  char kind() {
    return 'J';
  }

  @Override
  int width() {
    return Long.BYTES;
  }

  /**
   * Reads a value.
   *
   * @param index its index
   * @return the value
   * @throws IndexOutOfBoundsException outside {@code [0, length())}
   * @throws IllegalStateException once closed
   */
  public long get(long index) {
    long at = at(index);
    try {
      return region().getLong(at);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  /**
   * Writes a value.
   *
   * @param index its index
   * @param value the value
   * @throws IndexOutOfBoundsException outside {@code [0, length())}
   * @throws UnsupportedOperationException in mode {@code r} ("assignment destination is read-only")
   * @throws IllegalStateException once closed
   */
  public void set(long index, long value) {
    long at = at(index);
    try {
      region().putLong(at, value);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  /**
   * Copies values out into an array.
   *
   * @param index the first value's index
   * @param target the array
   * @param from where in {@code target} the first value goes
   * @param count how many values
   */
  public void copyTo(long index, long[] target, int from, int count) {
    transfer(index, target, from, count, false);
  }

  /**
   * Writes an array's values into the file.
   *
   * @param source the values
   * @param from the first of {@code source} to write
   * @param index the index the first one is written at
   * @param count how many values
   */
  public void copyFrom(long[] source, int from, long index, int count) {
    transfer(index, source, from, count, true);
  }

  /**
   * Copies every value into a new array.
   *
   * @return the values
   * @throws IllegalStateException if there are more than a Java array holds, or once closed
   */
  public long[] toArray() {
    long[] values = new long[arrayLength()];
    copyTo(0, values, 0, values.length);
    return values;
  }
}
