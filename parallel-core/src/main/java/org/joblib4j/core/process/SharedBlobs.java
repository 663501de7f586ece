package org.joblib4j.core.process;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker JVM's shared values: the blobs its parent sent ahead of the batches that refer to them,
 * each deserialized once on first use and then the same instance for every task, until the parent
 * releases it (the call ended, or the {@code Parallel} that scattered it closed).
 */
final class SharedBlobs {
  /** One blob: its bytes until first use, then the value. */
  private static final class Entry {
    private byte[] bytes;
    private Object value;
    private boolean resolved;

    Entry(byte[] bytes) {
      this.bytes = bytes;
    }
  }

  private static final Map<String, Entry> BLOBS = new ConcurrentHashMap<>();

  private SharedBlobs() {}

  /** Reads a value's bytes, with the worker's class loader. */
  interface Reader {
    Object read(byte[] bytes) throws IOException, ClassNotFoundException;
  }

  /** Keeps a blob sent by the parent ({@link Frame#SHARE}). */
  static void put(byte[] framePayload) {
    BLOBS.putIfAbsent(SharedBlob.shaOf(framePayload), new Entry(SharedBlob.bytesOf(framePayload)));
  }

  /** Drops a blob the parent released ({@link Frame#UNSHARE}). */
  static void remove(byte[] framePayload) {
    BLOBS.remove(SharedBlob.shaOf(framePayload));
  }

  /** How many blobs this JVM holds. */
  static int size() {
    return BLOBS.size();
  }

  /**
   * The value a reference stands for, deserialized once.
   *
   * @param sha the blob's name
   * @param reader how to deserialize it
   * @return the value
   * @throws IOException if the blob is not here or cannot be read
   * @throws ClassNotFoundException if its class is missing
   */
  static Object resolve(String sha, Reader reader) throws IOException, ClassNotFoundException {
    Entry e = BLOBS.get(sha);
    if (e == null) {
      throw new InvalidObjectException(
          "The shared value " + sha.substring(0, 16) + " is not in this worker JVM (its call already ended).");
    }
    synchronized (e) {
      if (!e.resolved) {
        e.value = reader.read(e.bytes);
        e.resolved = true;
        e.bytes = null;
      }
      return e.value;
    }
  }
}
