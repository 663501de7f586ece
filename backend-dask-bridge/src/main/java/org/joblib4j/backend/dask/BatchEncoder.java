package org.joblib4j.backend.dask;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joblib4j.core.process.JavaTaskSerializer;
import org.joblib4j.core.process.SerializationDiagnostics;
import org.joblib4j.core.process.SharedBlob;
import org.joblib4j.core.process.SharedValues;
import org.joblib4j.spi.Batch;

/**
 * Serializes batches for Dask workers. What travels once is decided by core's {@link
 * SharedValues}, as on every backend: objects given to {@code scatter}, and with auto-scatter every
 * task argument and captured value larger than the threshold (joblib's auto-scatter). Here a shared
 * value is a Dask blob, written into batches as a {@link ScatterRef} that the executor JVM
 * resolves from the blobs Dask delivered with the task; a measured small value travels as an {@link
 * InlineValue} (the executor reads batches with a plain object stream).
 */
final class BatchEncoder {
  /** A serialized batch and the blobs it references. */
  record Encoded(byte[] bytes, List<byte[]> refs) {}

  private final DaskSession session;
  private final SharedValues shared;
  private final Set<String> callBlobs = new HashSet<>();

  BatchEncoder(DaskSession session, Map<Object, SharedBlob> explicit, boolean auto, long threshold) {
    this.session = session;
    this.shared =
        new SharedValues(
            explicit, auto, threshold, BatchEncoder::serializeUnchecked, b -> new ScatterRef(b.sha()), InlineValue::new);
  }

  /**
   * Serializes a batch, scattering large arguments first.
   *
   * @param batch the batch
   * @return its bytes and references
   * @throws org.joblib4j.TaskSerializationException naming the task and value that cannot be serialized
   */
  synchronized Encoded encode(Batch batch) {
    try {
      shared.prepare(batch);
      for (SharedBlob b : shared.callBlobs()) {
        if (callBlobs.add(b.sha())) {
          session.acquireBlob(b.sha(), b.bytes());
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      Out out = new Out(bytes);
      out.writeObject(batch);
      out.close();
      List<byte[]> refs = new ArrayList<>(out.used.size());
      for (SharedBlob b : out.used) {
        refs.add(HexFormat.of().parseHex(b.sha()));
      }
      return new Encoded(bytes.toByteArray(), refs);
    } catch (IOException | RuntimeException e) {
      throw SerializationDiagnostics.diagnose(batch, e, new JavaTaskSerializer());
    }
  }

  /** Ends a call: its auto-scattered blobs are released on the cluster. */
  synchronized void endCall() {
    for (String sha : callBlobs) {
      session.releaseBlob(sha);
    }
    callBlobs.clear();
  }

  static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static byte[] serializeUnchecked(Object o) {
    try {
      return serialize(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The blob name of a value, as {@link SharedValues} names it. */
  static String sha256(byte[] bytes) {
    return SharedBlob.of(bytes).sha();
  }

  /** Builds the explicit scatter map of a backend: each object serialized once, broadcast once. */
  static Map<Object, SharedBlob> scatterAll(DaskSession session, List<Object> objects, Set<String> acquired) {
    Map<Object, SharedBlob> out = SharedValues.scatter(objects, BatchEncoder::serializeUnchecked);
    for (SharedBlob b : out.values()) {
      if (acquired.add(b.sha())) {
        session.acquireBlob(b.sha(), b.bytes());
      }
    }
    return out;
  }

  private final class Out extends ObjectOutputStream {
    final Set<SharedBlob> used = new LinkedHashSet<>();

    Out(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      Object r = shared.replace(obj, used);
      return r != null ? r : obj;
    }
  }
}
