package org.joblib4j.process;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a reader resolves memory-mapped array references ({@link SpilledArray}), and the arrays it
 * already rebuilt, kept per call folder: a worker rebuilds each array once for the tasks of its
 * call and lets it go when the call ends ({@link #release}) or its folder is gone ({@link
 * #releaseGone}). A reference resolves only to a regular file directly inside a memmapping folder
 * ({@link #FOLDER_PREFIX}), named without {@code .} or {@code ..} and reached through no symbolic
 * link at its last two steps, so the bytes of a stream cannot make the reader map an arbitrary
 * file.
 */
final class MappedArrays {
  /** The name every call's memmapping folder starts with ({@link ArraySpiller}). */
  static final String FOLDER_PREFIX = "joblib4j_memmapping_folder_";

  /** Refuses every reference: results and exceptions never travel as memory-mapped files. */
  static final MappedArrays NONE = new MappedArrays(false);

  private final boolean accepts;

  /** The rebuilt arrays by call folder, then by file; guarded by this. */
  private final Map<Path, Map<Path, SoftReference<Object>>> byFolder = new HashMap<>();

  private MappedArrays(boolean accepts) {
    this.accepts = accepts;
  }

  /**
   * A worker's arrays: references inside memmapping folders resolve, each rebuilt once per call.
   */
  static MappedArrays forWorker() {
    return new MappedArrays(true);
  }

  /**
   * Rebuilds the array a reference names, once per call folder and file (or each time, for a
   * reference whose batches each get their own copy).
   *
   * @param ref the reference
   * @return the array
   * @throws IOException if the reference is refused or the file cannot be read
   */
  synchronized Object load(SpilledArray ref) throws IOException {
    Path file = resolve(ref.path());
    if (ref.copyPerBatch()) {
      return ref.read(file);
    }
    Map<Path, SoftReference<Object>> arrays =
        byFolder.computeIfAbsent(file.getParent(), f -> new HashMap<>());
    SoftReference<Object> cached = arrays.get(file);
    Object array = cached == null ? null : cached.get();
    if (array == null) {
      array = ref.read(file);
      arrays.put(file, new SoftReference<>(array));
    }
    return array;
  }

  /**
   * Checks where a reference points.
   *
   * @param path the reference's path
   * @return the file
   * @throws InvalidObjectException if the reference is refused
   */
  Path resolve(String path) throws IOException {
    if (!accepts) {
      throw new InvalidObjectException(
          "A memory-mapped array reference ("
              + path
              + ") was refused: results and exceptions never travel as"
              + " memory-mapped files.");
    }
    Path file = Path.of(path);
    Path folder = file.getParent();
    if (!file.isAbsolute()
        || !file.normalize().equals(file)
        || folder == null
        || folder.getFileName() == null
        || !folder.getFileName().toString().startsWith(FOLDER_PREFIX)) {
      throw refused(path, "it is not a file directly inside a " + FOLDER_PREFIX + "* folder");
    }
    try {
      if (!Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isDirectory()) {
        throw refused(path, "its folder is a symbolic link or not a folder");
      }
      if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isRegularFile()) {
        throw refused(path, "it is a symbolic link or not a regular file");
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(
          "The memory-mapped array file " + path + " is gone: its call already ended.", e);
    }
    return file;
  }

  private static InvalidObjectException refused(String path, String why) {
    return new InvalidObjectException(
        "The memory-mapped array reference "
            + path
            + " was refused: "
            + why
            + " (a reference resolves only inside its call's own memmapping folder).");
  }

  /**
   * Lets the arrays of a call's folder go (its call ended).
   *
   * @param folder the call's folder
   */
  synchronized void release(Path folder) {
    byFolder.remove(folder);
  }

  /** Lets the arrays of folders that were deleted go (their calls ended). */
  synchronized void releaseGone() {
    if (!byFolder.isEmpty()) {
      byFolder.keySet().removeIf(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS));
    }
  }

  /** The number of call folders whose arrays are kept. */
  synchronized int folders() {
    return byFolder.size();
  }
}
