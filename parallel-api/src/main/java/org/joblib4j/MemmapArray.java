package org.joblib4j;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An array of primitive values in a file, memory-mapped: numpy's {@code np.memmap} for joblib4j's
 * tasks. Its file is the array: raw values in native byte order (numpy's default, so {@code
 * np.memmap(path, dtype="<f8")} reads a {@link MemmapDoubleArray} on x86 and ARM), no header.
 *
 * <p>A task that captures one, or gets it as an argument (also inside a record or a list), gets the
 * same file mapped again where it runs, never a copy: on {@code threading} the same object, on
 * worker JVMs ({@code loky}, {@code multiprocessing}), through {@code verify}'s round trip and on
 * cluster workers of the caller's host a new mapping of the file. That is joblib's pattern of tasks
 * writing their results into one shared output array:
 *
 * <pre>{@code
 * try (MemmapDoubleArray out = MemmapDoubleArray.create(folder.resolve("out.bin"), n)) {
 *   Parallel.builder().backend("loky").nJobs(2).build()
 *       .run(IntStream.range(0, n).mapToObj(i -> delayed(() -> { out.set(i, f(i)); return null; })));
 *   double first = out.get(0);   // every worker's writes are in out
 * }
 * }</pre>
 *
 * <p>The array keeps its own mode where it is mapped again, as joblib's memmaps do (the call's
 * {@code mmapMode} does not change it): {@link MmapMode#READ_ONLY} refuses writes, {@link
 * MmapMode#READ_WRITE} and {@link MmapMode#WRITE} (which becomes {@code r+}, so the data is not
 * zeroed) share every write with the caller and every worker, {@link MmapMode#COPY_ON_WRITE} keeps
 * each mapping's writes in that mapping (a worker's writes stay in the worker). As with numpy,
 * nothing is atomic: give each task its own elements.
 *
 * <p>Where it is mapped again, the file must still be the one the caller opened: a regular file at
 * the same path, reached through no symbolic link at its last step, with the same device, inode and
 * owner, and long enough; else the batch fails to deserialize, saying which. A result or a task
 * exception cannot carry one (their deserialization filter refuses it).
 *
 * <p>{@link #close()} lets the mapping go (Java unmaps it when it is garbage collected); it never
 * deletes the file, which is the caller's, as numpy's. Distinct elements may be read and written
 * from many threads at once.
 */
public abstract sealed class MemmapArray implements Serializable, AutoCloseable
    permits MemmapDoubleArray, MemmapLongArray, MemmapIntArray {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final transient MmapMode mode;
  private final transient long offset;
  private final transient long length;
  private final transient String fileKey;
  private final transient String owner;
  private transient MappedRegion region;

  MemmapArray(MemmapFiles.Opened opened, MmapMode mode, long offset) {
    this.file = opened.file();
    this.mode = mode;
    this.offset = offset;
    this.length = opened.length();
    this.fileKey = opened.fileKey();
    this.owner = opened.owner();
    this.region = opened.region();
  }

  /** The values' type in a reference: {@code 'D'}, {@code 'J'} or {@code 'I'}. */
  abstract char kind();

  /** The bytes of one value. */
  abstract int width();

  /** Makes an array of one kind over a mapping. */
  interface Maker<A extends MemmapArray> {
    A make(MemmapFiles.Opened opened, MmapMode mode, long offset);
  }

  /** numpy's {@code w+} for an array of {@code width}-byte values ({@link MemmapFiles#create}). */
  static <A extends MemmapArray> A created(Path file, long length, int width, Maker<A> maker)
      throws IOException {
    return maker.make(
        MemmapFiles.create(file, length, width, MappedRegion.CHUNK_SHIFT), MmapMode.WRITE, 0);
  }

  /**
   * An existing file's values ({@link MemmapFiles#open}).
   *
   * @param length the number of values, or -1 for every whole value to the end
   */
  static <A extends MemmapArray> A opened(
      Path file, MmapMode mode, long offset, long length, int width, Maker<A> maker)
      throws IOException {
    return maker.make(
        MemmapFiles.open(file, mode, offset, length, width, MappedRegion.CHUNK_SHIFT),
        mode,
        offset);
  }

  /** A public {@code open}'s length: never the internal "to the end". */
  static long checkedLength(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got: " + length);
    }
    return length;
  }

  /**
   * Maps a reference's file again, as an array of its kind.
   *
   * @param ref the reference
   * @return the array, in {@link MmapMode#whereMappedAgain()} of its mode
   * @throws IOException naming what is wrong with the file
   */
  static MemmapArray reopen(MemmapReference ref) throws IOException {
    switch (ref.kind()) {
      case 'D':
        return reopen(ref, Double.BYTES, MemmapDoubleArray::new);
      case 'J':
        return reopen(ref, Long.BYTES, MemmapLongArray::new);
      case 'I':
        return reopen(ref, Integer.BYTES, MemmapIntArray::new);
      default:
        throw new IOException("A memory-mapped array reference has an unknown kind " + ref.kind());
    }
  }

  private static MemmapArray reopen(MemmapReference ref, int width, Maker<?> maker)
      throws IOException {
    MmapMode mode = ref.mode().whereMappedAgain();
    return maker.make(
        MemmapFiles.reopen(ref, mode, width, MappedRegion.CHUNK_SHIFT), mode, ref.offset());
  }

  /**
   * Returns the file, as an absolute path without symbolic links.
   *
   * @return the file
   */
  public final Path file() {
    return file;
  }

  /**
   * Returns the mode this mapping has: the mode it was opened with, or where it was mapped again (a
   * worker) {@link MmapMode#whereMappedAgain()} of it.
   *
   * @return the mode
   */
  public final MmapMode mode() {
    return mode;
  }

  /**
   * Returns where the values start in the file, in bytes.
   *
   * @return the offset
   */
  public final long offset() {
    return offset;
  }

  /**
   * Returns the number of values.
   *
   * @return the length
   */
  public final long length() {
    return length;
  }

  /**
   * Writes the changes of a shared, writable mapping ({@code r+}, {@code w+}) to the file's storage
   * ({@code msync}, numpy's {@code flush()}); other processes see them without it. Does nothing in
   * the other modes.
   */
  public final void flush() {
    mapped().force();
  }

  /** Lets the mapping go; later reads and writes fail. The file stays. Idempotent. */
  @Override
  public final void close() {
    region = MappedRegion.CLOSED;
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public final boolean isClosed() {
    return region.closed();
  }

  /** The byte of a value, after checking its index. */
  final long at(long index) {
    return Objects.checkIndex(index, length) * width();
  }

  /** The mapping, for one access: {@link MappedRegion#CLOSED} after {@link #close()}. */
  final MappedRegion region() {
    return region;
  }

  private MappedRegion mapped() {
    MappedRegion r = region;
    if (r.closed()) {
      throw closed();
    }
    return r;
  }

  /**
   * What an access that failed means: the array was closed, or is read-only.
   *
   * @param e what the mapping threw
   * @return the exception to throw
   */
  final RuntimeException failed(RuntimeException e) {
    if (region.closed()) {
      return closed();
    }
    if (e instanceof ReadOnlyBufferException) {
      UnsupportedOperationException x =
          new UnsupportedOperationException(
              "assignment destination is read-only: "
                  + this
                  + " is mapped in mode \""
                  + mode.joblibName()
                  + "\" (open it in mode \"r+\" for writes that every"
                  + " process sees, or \"c\" for writes that stay in each mapping)");
      x.initCause(e);
      return x;
    }
    return e;
  }

  private IllegalStateException closed() {
    return new IllegalStateException(this + " is closed");
  }

  /**
   * Copies values between the file and a primitive array of this kind.
   *
   * @param index the first value's index
   * @param array the array
   * @param from the array's first element
   * @param count how many values
   * @param write whether to write the array's values into the file (or read them out)
   */
  final void transfer(long index, Object array, int from, int count, boolean write) {
    Objects.checkFromIndexSize(index, count, length);
    Objects.checkFromIndexSize(from, count, java.lang.reflect.Array.getLength(array));
    try {
      mapped().transfer(index * width(), array, from, count, width(), write);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  /** The whole array's length as a Java array's, or a clear error. */
  final int arrayLength() {
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          this + " has more values than a Java array holds: copy it in parts with copyTo");
    }
    return (int) length;
  }

  /**
   * The serialization proxy: the array travels as a reference to its file.
   *
   * @return the reference
   * @throws ObjectStreamException if the array is closed
   */
  final Object writeReplace() throws ObjectStreamException {
    if (region.closed()) {
      throw new InvalidObjectException(this + " is closed: it cannot travel to a worker");
    }
    return new MemmapReference(kind(), file.toString(), fileKey, owner, mode, offset, length);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("A MemmapArray travels only as a reference to its file");
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "["
        + file
        + ", mode \""
        + mode.joblibName()
        + "\", "
        + length
        + (length == 1 ? " value" : " values")
        + (offset == 0 ? "" : " from byte " + offset)
        + "]";
  }
}
