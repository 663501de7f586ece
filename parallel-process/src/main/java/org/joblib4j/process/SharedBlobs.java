package org.joblib4j.process;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker JVM's shared values: the blobs its parent sent ahead of the batches that refer to them,
 * each deserialized once on first use and then the same instance for every task, until the parent
 * releases it (the call ended, or the {@code Parallel} that scattered it closed).
 */
final class SharedBlobs {
  /** One blob: its bytes until first use, then the value; held until every holder let go. */
  private static final class Entry {
    private byte[] bytes;
    private Object value;
    private boolean resolved;
    private int holders = 1;

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

  /** Keeps a blob sent by the parent ({@link Frame#SHARE}), or holds it once more. */
  static void put(byte[] framePayload) {
    BLOBS.compute(
        SharedBlob.shaOf(framePayload),
        (sha, e) -> {
          if (e == null) {
            return new Entry(SharedBlob.bytesOf(framePayload));
          }
          e.holders++;
          return e;
        });
  }

  /** Lets go of a blob ({@link Frame#UNSHARE}); it is dropped when nobody else holds it. */
  static void remove(byte[] framePayload) {
    release(SharedBlob.shaOf(framePayload));
  }

  private static void release(String sha) {
    BLOBS.computeIfPresent(sha, (k, e) -> --e.holders == 0 ? null : e);
  }

  /**
   * Holds every blob of a bundle ({@link SharedBlob#bundle}) while a batch is read, for a worker
   * that gets a batch's shared values with the batch (a Ray task).
   *
   * @param bundle the bundle
   * @param read reads the batch
   * @param <T> what it reads
   * @return what it read
   * @throws IOException if the batch cannot be read
   * @throws ClassNotFoundException if a class is missing
   */
  static <T> T withBundle(byte[] bundle, BundleReader<T> read)
      throws IOException, ClassNotFoundException {
    return withBundle(bundle, JVM_WIDE, read);
  }

  /** Where the values rebuilt from bundles are kept between batches. */
  interface Kept {
    /** The value rebuilt earlier from this blob, or {@code null}. */
    Object get(String sha);

    /** Keeps a value rebuilt from a blob of {@code bytes} serialized bytes. */
    void put(String sha, Object value, long bytes);
  }

  /** A cluster worker's: the JVM-wide {@link BundleCache}. */
  private static final Kept JVM_WIDE =
      new Kept() {
        @Override
        public Object get(String sha) {
          return BundleCache.get(sha);
        }

        @Override
        public void put(String sha, Object value, long bytes) {
          BundleCache.put(sha, value, bytes);
        }
      };

  /**
   * {@link #withBundle(byte[], BundleReader)}, keeping what it rebuilds in {@code kept}.
   *
   * @param bundle the bundle
   * @param kept where rebuilt values are kept for later batches
   * @param read reads the batch
   * @param <T> what it reads
   * @return what it read
   * @throws IOException if the batch cannot be read
   * @throws ClassNotFoundException if a class is missing
   */
  static <T> T withBundle(byte[] bundle, Kept kept, BundleReader<T> read)
      throws IOException, ClassNotFoundException {
    return withPayloads(SharedBlob.unbundle(bundle), kept, read);
  }

  /**
   * Holds these blobs ({@link Frame#SHARE} payloads) while a batch is read, keeping what it
   * rebuilds in {@code kept}: a value kept there is not copied nor read again.
   *
   * @param payloads the blobs' payloads
   * @param kept where rebuilt values are kept for later batches
   * @param read reads the batch
   * @param <T> what it reads
   * @return what it read
   * @throws IOException if the batch cannot be read
   * @throws ClassNotFoundException if a class is missing
   */
  static <T> T withPayloads(List<byte[]> payloads, Kept kept, BundleReader<T> read)
      throws IOException, ClassNotFoundException {
    List<String> shas = new java.util.ArrayList<>(payloads.size());
    for (byte[] payload : payloads) {
      String sha = SharedBlob.shaOf(payload);
      shas.add(sha);
      Object value = kept.get(sha);
      if (value == null) {
        put(payload);
      } else {
        hold(sha, value);
      }
    }
    try {
      return read.read();
    } finally {
      for (int i = 0; i < shas.size(); i++) {
        String sha = shas.get(i);
        Entry e = BLOBS.get(sha);
        if (e != null) {
          synchronized (e) {
            if (e.resolved) {
              // the next batch with this bundle gets the same instance without reading it again
              kept.put(sha, e.value, payloads.get(i).length);
            }
          }
        }
        release(sha);
      }
    }
  }

  /** Holds a value rebuilt earlier, as a resolved blob. */
  private static void hold(String sha, Object value) {
    BLOBS.compute(
        sha,
        (k, e) -> {
          if (e == null) {
            Entry held = new Entry(null);
            held.value = value;
            held.resolved = true;
            return held;
          }
          e.holders++;
          return e;
        });
  }

  /** Reads something while a bundle is held. */
  interface BundleReader<T> {
    T read() throws IOException, ClassNotFoundException;
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
          "The shared value "
              + sha.substring(0, 16)
              + " is not in this worker JVM (its call already ended).");
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
