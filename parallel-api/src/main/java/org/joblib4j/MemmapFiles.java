package org.joblib4j;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Opens and maps the file of a {@link MemmapArray}, in the caller ({@link #create}, {@link #open})
 * and where it is mapped again ({@link #reopen}). The caller records the file's identity (device
 * and inode, owner); a reader maps a reference only if the file at its path is still that file: a
 * regular file, reached through no symbolic link at its last step, with the same identity, at least
 * as long as the array. So the bytes of a stream can make a reader map only a file the caller
 * itself mapped.
 */
final class MemmapFiles {
  private MemmapFiles() {}

  /** A mapped file and the identity recorded for it. */
  record Opened(Path file, MappedRegion region, long length, String fileKey, String owner) {}

  /**
   * numpy's {@code w+}: creates the file (mode 0600) or empties an existing one, then maps {@code
   * length} zeros.
   */
  static Opened create(Path file, long length, int width, int shift) throws IOException {
    long bytes = bytes(0, length, width);
    Path target = absoluteWithRealFolder(file);
    if (Files.isSymbolicLink(target)) {
      throw new FileSystemException(
          target.toString(),
          null,
          "is a symbolic link: create the array on its target, or on another path");
    }
    List<OpenOption> options = new ArrayList<>(channelOptions(MmapMode.WRITE));
    options.add(StandardOpenOption.CREATE);
    options.add(StandardOpenOption.TRUNCATE_EXISTING);
    try (FileChannel ch = openCreating(target, options)) {
      MappedRegion region = MappedRegion.map(ch, FileChannel.MapMode.READ_WRITE, 0, bytes, shift);
      return identified(target, region, length);
    }
  }

  private static FileChannel openCreating(Path target, List<OpenOption> options)
      throws IOException {
    FileAttribute<?> ownerOnly =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    try {
      return FileChannel.open(target, new java.util.HashSet<>(options), ownerOnly);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the folder's permissions are all there is
      return FileChannel.open(target, options.toArray(new OpenOption[0]));
    }
  }

  /**
   * Maps an existing file in the caller.
   *
   * @param length the values to map, or -1 for every whole value from {@code offset} to the end
   */
  static Opened open(Path file, MmapMode mode, long offset, long length, int width, int shift)
      throws IOException {
    Objects.requireNonNull(mode, "mode");
    if (mode == MmapMode.WRITE) {
      throw new IllegalArgumentException(
          "mode \"w+\" creates the file: use create(file, length) instead of open");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got: " + offset);
    }
    Path real = file.toRealPath();
    BasicFileAttributes a = attributes(real);
    if (!a.isRegularFile()) {
      throw new FileSystemException(
          real.toString(), null, "is not a regular file: a MemmapArray maps a regular file");
    }
    try (FileChannel ch = channel(real, mode)) {
      long size = ch.size();
      if (length < 0) {
        length = wholeValues(real, size, offset, width);
      }
      long bytes = bytes(offset, length, width);
      if (mode != MmapMode.READ_WRITE && size < offset + bytes) {
        // numpy's r+ extends a short file; r and c cannot
        throw new IllegalArgumentException(
            "mmap length is greater than file size: "
                + real
                + " has "
                + size
                + " bytes, fewer than the "
                + (offset + bytes)
                + " that offset "
                + offset
                + " and "
                + length
                + " values of "
                + width
                + " bytes need");
      }
      MappedRegion region = MappedRegion.map(ch, mapMode(mode), offset, bytes, shift);
      return identified(real, region, length);
    } catch (AccessDeniedException e) {
      throw mode == MmapMode.COPY_ON_WRITE ? copyOnWriteDenied(real, e) : e;
    }
  }

  /**
   * Maps again the file a reference names (a worker JVM), after checking it is the file the caller
   * mapped.
   *
   * @param ref the reference
   * @param mode the mode to map it with
   * @param width the bytes of one value
   * @return the mapping
   * @throws IOException naming what is wrong with the file
   */
  static Opened reopen(MemmapReference ref, MmapMode mode, int width, int shift)
      throws IOException {
    Path file = Path.of(ref.path());
    if (!file.isAbsolute()) {
      throw refused(ref.path(), "its path is not absolute");
    }
    checkIdentity(ref, file);
    try (FileChannel ch = channel(file, mode)) {
      long bytes = bytes(ref.offset(), ref.length(), width);
      if (ch.size() < ref.offset() + bytes) {
        throw new IOException(
            "The memory-mapped array file "
                + file
                + " has "
                + ch.size()
                + " bytes, fewer than the "
                + (ref.offset() + bytes)
                + " its array needs: it was truncated since the caller opened it.");
      }
      // the file opened is still the one checked (no swap between the check and the open)
      checkIdentity(ref, file);
      MappedRegion region = MappedRegion.map(ch, mapMode(mode), ref.offset(), bytes, shift);
      return new Opened(file, region, ref.length(), ref.fileKey(), ref.owner());
    } catch (AccessDeniedException e) {
      throw mode == MmapMode.COPY_ON_WRITE ? copyOnWriteDenied(file, e) : e;
    }
  }

  private static void checkIdentity(MemmapReference ref, Path file) throws IOException {
    BasicFileAttributes a;
    String owner;
    try {
      a = attributes(file);
      owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (NoSuchFileException e) {
      IOException gone =
          new IOException(
              "The memory-mapped array file "
                  + file
                  + " is not on this machine, or was deleted: a MemmapArray travels as a reference"
                  + " to its file, so it works only where the workers see the caller's files"
                  + " (worker JVMs on the caller's host).");
      gone.initCause(e);
      throw gone;
    }
    if (a.isSymbolicLink() || !a.isRegularFile()) {
      throw refused(ref.path(), "it is a symbolic link or not a regular file");
    }
    if (!String.valueOf(a.fileKey()).equals(ref.fileKey())) {
      throw refused(
          ref.path(),
          "it is not the file the caller opened (its device and inode differ: another machine's"
              + " file system, or the file was replaced since)");
    }
    if (!owner.equals(ref.owner())) {
      throw refused(
          ref.path(),
          "it belongs to " + owner + ", not to " + ref.owner() + " as when it was opened");
    }
  }

  private static IOException refused(String path, String why) {
    return new IOException(
        "The memory-mapped array file "
            + path
            + " was refused: "
            + why
            + " (a MemmapArray maps only the very file the caller opened).");
  }

  private static AccessDeniedException copyOnWriteDenied(Path file, AccessDeniedException e) {
    AccessDeniedException x =
        new AccessDeniedException(
            file.toString(),
            null,
            "mode \"c\" needs a file this JVM may open for writing (Java maps copy-on-write only"
                + " through a writable channel); the file itself is never changed");
    x.initCause(e);
    return x;
  }

  private static Opened identified(Path file, MappedRegion region, long length) throws IOException {
    BasicFileAttributes a = attributes(file);
    String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
    return new Opened(file, region, length, String.valueOf(a.fileKey()), owner);
  }

  private static BasicFileAttributes attributes(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** The path with its folder's symbolic links resolved, so that a reader follows none. */
  private static Path absoluteWithRealFolder(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path folder = absolute.getParent();
    return folder == null ? absolute : folder.toRealPath().resolve(absolute.getFileName());
  }

  private static FileChannel channel(Path file, MmapMode mode) throws IOException {
    return FileChannel.open(file, channelOptions(mode).toArray(new OpenOption[0]));
  }

  private static List<OpenOption> channelOptions(MmapMode mode) {
    List<OpenOption> options = new ArrayList<>();
    options.add(StandardOpenOption.READ);
    options.add(LinkOption.NOFOLLOW_LINKS);
    if (mode != MmapMode.READ_ONLY) {
      // copy-on-write too: Java maps PRIVATE only through a channel open for writing
      options.add(StandardOpenOption.WRITE);
    }
    return options;
  }

  private static FileChannel.MapMode mapMode(MmapMode mode) {
    switch (mode) {
      case READ_ONLY:
        return FileChannel.MapMode.READ_ONLY;
      case COPY_ON_WRITE:
        return FileChannel.MapMode.PRIVATE;
      default:
        return FileChannel.MapMode.READ_WRITE;
    }
  }

  private static long wholeValues(Path file, long size, long offset, int width) {
    if (offset > size) {
      throw new IllegalArgumentException(
          "offset " + offset + " is past the end of " + file + " (" + size + " bytes)");
    }
    if ((size - offset) % width != 0) {
      throw new IllegalArgumentException(
          "Size of available data is not a multiple of the data-type size: "
              + file
              + " has "
              + (size - offset)
              + " bytes after offset "
              + offset
              + ", not a whole number of "
              + width
              + "-byte values");
    }
    return (size - offset) / width;
  }

  private static long bytes(long offset, long length, int width) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got: " + length);
    }
    if (length > (Long.MAX_VALUE - offset) / width) {
      throw new IllegalArgumentException(
          "length " + length + " at offset " + offset + " is past the largest file size");
    }
    return length * width;
  }
}
