package org.joblib4j.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.joblib4j.MmapMode;
import org.joblib4j.spi.Batch;

/**
 * Turns a call's batches into bytes for worker JVMs, in the caller's thread: large primitive arrays
 * go to the call's memory-mapped files (deleted by {@link #endCall()}), and a batch that cannot be
 * serialized fails with a {@link org.joblib4j.TaskSerializationException} that names the task and
 * the offending value (or, for a batch larger than one frame carries, the task that makes it so and
 * its size) before any of the batch is sent. Values shared by many tasks travel once ({@link
 * SharedValues}): the batch refers to them and lists them in its {@link Shipment}.
 */
public final class BatchShipper {
  private final long limit;
  private JavaTaskSerializer serializer;
  private ArraySpiller spiller;
  private SharedValues sharing;

  /** A shipper for batches of up to what one frame carries. */
  public BatchShipper() {
    this(FrameChannel.MAX_PAYLOAD);
  }

  /**
   * A shipper with another limit (tests reach its handling without gigabytes).
   *
   * @param limit the most bytes of a Java-serialized batch
   */
  BatchShipper(long limit) {
    this.limit = limit;
    this.serializer = new JavaTaskSerializer(null, null, true, limit);
  }

  /**
   * Starts a call.
   *
   * @param tempFolder the configured temp folder, or {@code null}
   * @param maxNbytes arrays larger than this are memory-mapped; {@code null} disables it
   */
  public synchronized void startCall(Path tempFolder, Long maxNbytes) {
    startCall(tempFolder, maxNbytes, null, Map.of());
  }

  /**
   * Starts a call whose shared values travel once.
   *
   * @param tempFolder the configured temp folder, or {@code null}
   * @param maxNbytes arrays larger than this are memory-mapped; {@code null} disables it
   * @param options what is shared automatically, or {@code null} for nothing
   * @param scattered the {@code scatter} objects' blobs ({@link #scatter})
   */
  public synchronized void startCall(
      Path tempFolder, Long maxNbytes, SharingOptions options, Map<Object, SharedBlob> scattered) {
    startCall(tempFolder, maxNbytes, MmapMode.READ_ONLY, options, scattered);
  }

  /**
   * Starts a call whose shared values travel once, its large arrays copied in workers as joblib's
   * {@code mmap_mode} allows.
   *
   * @param tempFolder the configured temp folder, or {@code null}
   * @param maxNbytes arrays larger than this are memory-mapped; {@code null} disables it
   * @param mmapMode the call's mode ({@link ArraySpiller#ArraySpiller(Path, long, MmapMode)})
   * @param options what is shared automatically, or {@code null} for nothing
   * @param scattered the {@code scatter} objects' blobs ({@link #scatter})
   */
  public synchronized void startCall(
      Path tempFolder,
      Long maxNbytes,
      MmapMode mmapMode,
      SharingOptions options,
      Map<Object, SharedBlob> scattered) {
    endCall();
    if (maxNbytes != null) {
      spiller = new ArraySpiller(tempFolder, maxNbytes, mmapMode);
      serializer = new JavaTaskSerializer(spiller, null, true, limit);
    }
    boolean auto = options != null && options.auto();
    if (auto || !scattered.isEmpty()) {
      JavaTaskSerializer measuring = serializer;
      ArraySpiller arrays = spiller;
      sharing =
          new SharedValues(
              scattered,
              auto,
              auto ? options.threshold() : Long.MAX_VALUE,
              // a large primitive array is memory-mapped (joblib's way), not shared; a scattered
              // value inside another travels as the scattered value
              (o, self, refs) ->
                  arrays != null && arrays.wouldSpill(o)
                      ? null
                      : serializeAlone(measuring, o, self, refs));
    }
  }

  /**
   * Serializes the {@code scatter} objects once each, for a {@code Parallel}'s lifetime.
   *
   * @param objects the objects
   * @return their blobs, by identity
   * @throws IllegalArgumentException naming an object that cannot be serialized
   */
  public static Map<Object, SharedBlob> scatter(List<Object> objects) {
    return scatter(objects, null);
  }

  /**
   * Serializes the {@code scatter} objects once each, their large primitive arrays as memory-mapped
   * files.
   *
   * @param objects the objects
   * @param arrays where their arrays above max_nbytes go (as long as the blobs live), or {@code
   *     null} to serialize every array
   * @return their blobs, by identity
   * @throws IllegalArgumentException naming an object that cannot be serialized
   */
  public static Map<Object, SharedBlob> scatter(List<Object> objects, ArraySpiller arrays) {
    JavaTaskSerializer plain = new JavaTaskSerializer(arrays, null, true);
    return SharedValues.scatter(objects, o -> serializeAlone(plain, o));
  }

  /**
   * Serializes the {@code scatter} objects once each for a cluster's executor that reads them with
   * {@link JavaTaskSerializer#forMappedValues()}: no function shared, the large primitive arrays as
   * memory-mapped files when {@code arrays} is given.
   *
   * @param objects the objects
   * @param arrays where their arrays above max_nbytes go (as long as the blobs live), or {@code
   *     null} to serialize every array
   * @return their blobs, by identity
   * @throws IllegalArgumentException naming an object that cannot be serialized
   */
  public static Map<Object, SharedBlob> scatterPlain(List<Object> objects, ArraySpiller arrays) {
    JavaTaskSerializer plain = new JavaTaskSerializer(arrays, null, false, Long.MAX_VALUE);
    return SharedValues.scatter(objects, o -> serializeAlone(plain, o));
  }

  private static byte[] serializeAlone(JavaTaskSerializer s, Object o) {
    return serializeAlone(s, o, null, null);
  }

  private static byte[] serializeAlone(
      JavaTaskSerializer s, Object o, SharedValues sharing, Set<SharedBlob> refs) {
    try {
      return s.serialize(o, sharing, refs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Serializes a batch for a worker JVM, its shared values as references.
   *
   * @param batch the batch
   * @return its bytes and the blobs they refer to
   * @throws org.joblib4j.TaskSerializationException if part of it cannot be serialized
   */
  public Shipment ship(Batch batch) {
    JavaTaskSerializer s;
    SharedValues shared;
    synchronized (this) {
      s = serializer;
      shared = sharing;
    }
    if (shared == null) {
      return new Shipment(serialize(batch), List.of());
    }
    byte[] compact = BatchCodec.encode(batch);
    if (compact != null) {
      return new Shipment(compact, List.of());
    }
    return write(batch, s, shared, SerializationDiagnostics.MAP_LARGE_ARRAYS);
  }

  /**
   * Serializes a batch for a cluster's executor that reads it with a plain object stream (a Dask
   * executor JVM): its shared values as the references {@code shared} writes, no array
   * memory-mapped, no function shared. It fails as {@link #ship} does, a batch larger than {@code
   * limit} with the task that makes it so and its size, before any of it is sent.
   *
   * @param batch the batch
   * @param shared the call's shared values
   * @param limit the most bytes of the serialized batch
   * @return its bytes and the blobs they refer to
   * @throws org.joblib4j.TaskSerializationException if part of it cannot be serialized
   */
  public static Shipment shipPlain(Batch batch, SharedValues shared, long limit) {
    return write(
        batch,
        new JavaTaskSerializer(null, null, false, limit),
        shared,
        SerializationDiagnostics.SEND_LARGE_VALUES_ONCE);
  }

  /**
   * The shared values of a call for a cluster's executor that reads batches with a plain object
   * stream ({@link #shipPlain}): a measured value is serialized as {@code shipPlain} will write it,
   * the shared values inside it as references, so a scattered matrix inside a data-set object
   * travels once, as the scattered value.
   *
   * @param explicit the {@code scatter} objects and their blobs (an identity map), possibly empty
   * @param auto whether to share large arguments automatically
   * @param threshold the serialized size above which an argument is shared
   * @param refs what a shared value is written as in a batch
   * @param inlines what a measured small value is written as
   * @return the call's shared values
   */
  public static SharedValues plainSharing(
      Map<Object, SharedBlob> explicit,
      boolean auto,
      long threshold,
      Function<SharedBlob, Object> refs,
      Function<byte[], Object> inlines) {
    return plainSharing(explicit, auto, threshold, refs, inlines, null);
  }

  /**
   * As {@link #plainSharing(Map, boolean, long, Function, Function)}, the large primitive arrays
   * inside shared and measured values written to memory-mapped files: for executors on this host
   * that read values with {@link JavaTaskSerializer#forMappedValues()}.
   *
   * @param explicit the {@code scatter} objects and their blobs (an identity map), possibly empty
   * @param auto whether to share large arguments automatically
   * @param threshold the serialized size above which an argument is shared
   * @param refs what a shared value is written as in a batch
   * @param inlines what a measured small value is written as
   * @param arrays where arrays above max_nbytes go, or {@code null} to serialize every array
   * @return the call's shared values
   */
  public static SharedValues plainSharing(
      Map<Object, SharedBlob> explicit,
      boolean auto,
      long threshold,
      Function<SharedBlob, Object> refs,
      Function<byte[], Object> inlines,
      ArraySpiller arrays) {
    JavaTaskSerializer plain = new JavaTaskSerializer(arrays, null, false, Long.MAX_VALUE);
    return new SharedValues(
        explicit,
        auto,
        threshold,
        (o, self, used) -> serializeAlone(plain, o, self, used),
        refs,
        inlines);
  }

  private static Shipment write(
      Batch batch, JavaTaskSerializer s, SharedValues shared, String largeValues) {
    try {
      shared.prepare(batch);
      Set<SharedBlob> refs = new LinkedHashSet<>();
      byte[] bytes = s.serialize(batch, shared, refs);
      return new Shipment(bytes, new ArrayList<>(refs));
    } catch (IOException | RuntimeException e) {
      // the same serializer and shared values: what they spill or share is measured as it is sent
      throw SerializationDiagnostics.diagnose(batch, e, s, shared, largeValues);
    }
  }

  /**
   * Serializes a batch.
   *
   * @param batch the batch
   * @return its bytes
   * @throws org.joblib4j.TaskSerializationException if part of it cannot be serialized
   */
  public byte[] serialize(Batch batch) {
    byte[] compact = BatchCodec.encode(batch);
    if (compact != null) {
      return compact;
    }
    JavaTaskSerializer s;
    synchronized (this) {
      s = serializer;
    }
    try {
      return s.serialize(batch);
    } catch (IOException | RuntimeException e) {
      // the same serializer: what it spills or shares is measured as it would be sent
      throw SerializationDiagnostics.diagnose(batch, e, s);
    }
  }

  /**
   * Reads a batch made by {@link #serialize} (its compact form or a Java-serialized one): what a
   * worker outside this toolkit (a cluster's task runner) calls.
   *
   * @param bytes the batch's bytes
   * @param loader the loader to resolve the tasks' classes with, or {@code null} for the default
   * @return the batch
   * @throws IOException if the bytes are corrupt
   * @throws ClassNotFoundException if a task's class is missing
   */
  public static Batch deserialize(byte[] bytes, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    return BatchCodec.decode(bytes, new JavaTaskSerializer(null, loader));
  }

  /**
   * Reads a batch whose shared values come with it, packed by {@link SharedBlob#bundle}.
   *
   * @param bytes the batch's bytes
   * @param loader the loader to resolve the tasks' classes with, or {@code null} for the default
   * @param bundle its shared values, possibly empty
   * @return the batch
   * @throws IOException if the bytes are corrupt
   * @throws ClassNotFoundException if a task's class is missing
   */
  public static Batch deserialize(byte[] bytes, ClassLoader loader, byte[] bundle)
      throws IOException, ClassNotFoundException {
    return SharedBlobs.withBundle(bundle, () -> deserialize(bytes, loader));
  }

  /**
   * Reads a batch made by {@link #ship} in this JVM, as a worker JVM would: each shared value it
   * refers to is rebuilt once per {@code copies} (one worker JVM's copy), not once per batch.
   *
   * @param shipment the batch as shipped
   * @param loader the loader to resolve the tasks' classes with, or {@code null} for the default
   * @param copies the shared values rebuilt so far, by blob; the caller drops it with the call
   * @return the batch
   * @throws IOException if the bytes are corrupt
   * @throws ClassNotFoundException if a task's class is missing
   */
  public static Batch readBack(Shipment shipment, ClassLoader loader, Map<String, Object> copies)
      throws IOException, ClassNotFoundException {
    if (shipment.refs().isEmpty()) {
      return deserialize(shipment.bytes(), loader);
    }
    List<byte[]> payloads = new ArrayList<>(shipment.refs().size());
    for (SharedBlob b : shipment.refs()) {
      payloads.add(b.framePayload());
    }
    // the blobs as they are, not packed into a bundle: that would copy each value per batch
    return SharedBlobs.withPayloads(
        payloads,
        new SharedBlobs.Kept() {
          @Override
          public Object get(String sha) {
            return copies.get(sha);
          }

          @Override
          public void put(String sha, Object value, long bytes) {
            copies.put(sha, value);
          }
        },
        () -> deserialize(shipment.bytes(), loader));
  }

  /** Ends the call: its memory-mapped files are deleted. Idempotent. */
  public synchronized void endCall() {
    sharing = null;
    if (spiller != null) {
      spiller.close();
      spiller = null;
      serializer = new JavaTaskSerializer(null, null, true, limit);
    }
  }
}
