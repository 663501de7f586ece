package org.joblib4j.core.process;

import java.io.IOException;
import java.io.Serializable;
import java.lang.ref.SoftReference;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What travels instead of a large primitive array: the file it was written to. A worker maps the
 * file and rebuilds the array once, then shares it between the tasks it runs (treat it as
 * read-only, as joblib's memmaps are).
 */
final class SpilledArray implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, SoftReference<Object>> LOADED = new ConcurrentHashMap<>();

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

  /** Rebuilds the array, once per worker and file. */
  Object load() throws IOException {
    SoftReference<Object> ref = LOADED.get(path);
    Object cached = ref == null ? null : ref.get();
    if (cached != null) {
      return cached;
    }
    synchronized (LOADED) {
      ref = LOADED.get(path);
      cached = ref == null ? null : ref.get();
      if (cached != null) {
        return cached;
      }
      Object flat = read();
      Object array = shape == null ? flat : NestedShape.rebuild(flat, shape);
      LOADED.put(path, new SoftReference<>(array));
      return array;
    }
  }

  private Object read() throws IOException {
    return read(MappedWindows.WINDOW);
  }

  /** Reads the flat array through mappings of at most {@code window} bytes (tests use small ones). */
  Object read(long window) throws IOException {
    try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
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

  /** Forgets arrays of files that were removed (called when a call's folder is deleted). */
  static void forget(String folderPrefix) {
    LOADED.keySet().removeIf(p -> p.startsWith(folderPrefix));
  }
}
