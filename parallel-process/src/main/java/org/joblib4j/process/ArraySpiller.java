package org.joblib4j.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.joblib4j.MmapMode;

/**
 * joblib's auto-memmapping for one call (or one reused {@code Parallel}): a primitive array larger
 * than {@code maxNbytes} is written once to a file in a private folder (mode 0700, files 0600) and
 * sent as a small reference; workers map the file and copy it into an array (a Java array cannot be
 * a mapping): one copy per worker and call, or with {@code mmapMode} {@code c} or {@code null} one
 * per batch ({@link SpilledArray#copyPerBatch}). {@link #close()} deletes the folder.
 */
public final class ArraySpiller implements AutoCloseable {
  private final java.util.function.Supplier<Path> baseFolder;
  private final long maxNbytes;
  private final boolean copyPerBatch;
  private final Map<Object, SpilledArray> written = new IdentityHashMap<>();
  private Path folder;

  /**
   * Creates a spiller; nothing is written until an array qualifies.
   *
   * @param tempFolder the configured temp folder, or {@code null} to resolve joblib's default (only
   *     when a first array qualifies)
   * @param maxNbytes arrays larger than this are spilled
   */
  public ArraySpiller(Path tempFolder, long maxNbytes) {
    this(tempFolder, maxNbytes, MmapMode.READ_ONLY);
  }

  /**
   * Creates a spiller whose arrays workers copy as joblib's {@code mmap_mode} allows.
   *
   * @param tempFolder the configured temp folder, or {@code null} to resolve joblib's default (only
   *     when a first array qualifies)
   * @param maxNbytes arrays larger than this are spilled
   * @param mmapMode the call's mode: {@code c} and {@code null} (joblib's None) keep a task's
   *     writes into its copy from other batches, so each batch gets its own copy
   */
  public ArraySpiller(Path tempFolder, long maxNbytes, MmapMode mmapMode) {
    this.baseFolder = () -> resolveBaseFolder(tempFolder);
    this.maxNbytes = maxNbytes;
    this.copyPerBatch = mmapMode == null || mmapMode == MmapMode.COPY_ON_WRITE;
  }

  /**
   * Returns the call's folder, if any array was spilled.
   *
   * @return the folder, or {@code null}
   */
  public synchronized Path folder() {
    return folder;
  }

  /**
   * The replacement for an object, or {@code null} to keep it. Flat primitive arrays and nested
   * ones ({@code double[][]}, {@code int[][][]}, ragged too) qualify on their total bytes; a nested
   * array with a {@code null} row travels as usual.
   */
  synchronized Object replace(Object obj) {
    if (obj == null || !obj.getClass().isArray()) {
      return null;
    }
    SpilledArray done = written.get(obj);
    if (done != null) {
      return done;
    }
    return spill(obj);
  }

  /**
   * Whether an object is an array that this spiller writes to a file.
   *
   * @param obj any object
   * @return true for a (nested) primitive array larger than {@code maxNbytes}
   */
  synchronized boolean wouldSpill(Object obj) {
    if (obj == null || !obj.getClass().isArray()) {
      return false;
    }
    return written.containsKey(obj) || layout(obj) != null;
  }

  /** A spillable array's leaf kind, depth and shape, or {@code null} if it stays in the batch. */
  private Layout layout(Object obj) {
    Class<?> leaf = obj.getClass();
    int depth = 0;
    while (leaf.getComponentType().isArray()) {
      leaf = leaf.getComponentType();
      depth++;
    }
    char kind = kindOf(leaf.getComponentType());
    if (kind == 'Z') {
      return null;
    }
    NestedShape shape = depth == 0 ? null : NestedShape.of(obj, depth);
    if (depth > 0 && shape == null) {
      return null;
    }
    long elements = depth == 0 ? java.lang.reflect.Array.getLength(obj) : shape.elements();
    long bytes = elements * width(kind);
    if (bytes <= maxNbytes || elements > Integer.MAX_VALUE) {
      return null;
    }
    return new Layout(kind, depth, shape, elements, bytes);
  }

  /** How a spillable array is laid out in its file. */
  private record Layout(char kind, int depth, NestedShape shape, long elements, long bytes) {}

  /** Writes an array to a file of its own, or returns {@code null} if it stays in the batch. */
  private SpilledArray spill(Object obj) {
    Layout l = layout(obj);
    if (l == null) {
      return null;
    }
    try {
      Path file = folderCreated().resolve(UUID.randomUUID() + ".bin");
      write(obj, l.kind(), file, l.bytes(), l.depth());
      SpilledArray ref =
          new SpilledArray(
              file,
              l.kind(),
              (int) l.elements(),
              l.shape() == null ? null : l.shape().lengths(),
              copyPerBatch);
      written.put(obj, ref);
      return ref;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not write a large array to a memory-mapped file: " + e.getMessage(), e);
    }
  }

  private Path folderCreated() throws IOException {
    if (folder == null) {
      folder = OwnedFolders.create(baseFolder.get(), MappedArrays.FOLDER_PREFIX);
    }
    return folder;
  }

  private static void write(Object array, char kind, Path file, long bytes, int depth)
      throws IOException {
    write(array, kind, file, bytes, depth, MappedWindows.WINDOW);
  }

  /** Writes an array through mappings of at most {@code window} bytes (tests use small ones). */
  static void write(Object array, char kind, Path file, long bytes, int depth, long window)
      throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the folder's own permissions are all there is
      }
      putLeaves(
          new MappedWindows(ch, FileChannel.MapMode.READ_WRITE, bytes, window), array, kind, depth);
    }
  }

  /** Writes the leaf rows of a (nested) array in order. */
  private static void putLeaves(MappedWindows out, Object array, char kind, int depth)
      throws IOException {
    if (depth > 0) {
      for (Object row : (Object[]) array) {
        putLeaves(out, row, kind, depth - 1);
      }
      return;
    }
    out.transfer(array, kind, width(kind), 0, java.lang.reflect.Array.getLength(array), true);
  }

  private static char kindOf(Class<?> c) {
    if (c == double.class) return 'D';
    if (c == long.class) return 'J';
    if (c == int.class) return 'I';
    if (c == float.class) return 'F';
    if (c == short.class) return 'S';
    if (c == char.class) return 'C';
    if (c == byte.class) return 'B';
    return 'Z';
  }

  static int width(char kind) {
    switch (kind) {
      case 'D':
      case 'J':
        return 8;
      case 'I':
      case 'F':
        return 4;
      case 'S':
      case 'C':
        return 2;
      default:
        return 1;
    }
  }

  /** Deletes the call's folder and everything in it. Idempotent. */
  @Override
  public synchronized void close() {
    written.clear();
    if (folder == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // already gone
    }
    folder = null;
  }

  /**
   * joblib's temp folder resolution: the given folder, else {@code JOBLIB4J_TEMP_FOLDER}, else
   * {@code /dev/shm} when it is writable and has more than 2 GB free, else {@code java.io.tmpdir}.
   *
   * @param explicit the configured folder, or {@code null}
   * @return the base folder
   */
  public static Path resolveBaseFolder(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv("JOBLIB4J_TEMP_FOLDER");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path shm = Path.of("/dev/shm");
    try {
      if (Files.isDirectory(shm)
          && Files.isWritable(shm)
          && Files.getFileStore(shm).getUsableSpace() > 2e9) {
        return shm;
      }
    } catch (IOException e) {
      // fall through to the temp dir
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }
}
