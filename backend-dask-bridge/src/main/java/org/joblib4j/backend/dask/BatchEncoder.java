package org.joblib4j.backend.dask;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joblib4j.process.ArraySpiller;
import org.joblib4j.process.BatchShipper;
import org.joblib4j.process.SharedBlob;
import org.joblib4j.process.SharedValues;
import org.joblib4j.process.Shipment;
import org.joblib4j.spi.Batch;

/**
 * Serializes batches for Dask workers. What travels once is decided by core's {@link SharedValues},
 * as on every backend: objects given to {@code scatter}, and with auto-scatter every task argument
 * and captured value larger than the threshold (joblib's auto-scatter). Here a shared value is a
 * Dask blob, written into batches as a {@link ScatterRef} that the executor JVM resolves from the
 * blobs Dask delivered with the task; a measured small value travels as an {@link InlineValue} (the
 * executor reads batches with a plain object stream).
 */
final class BatchEncoder {
  /** A serialized batch and the blobs it references. */
  record Encoded(byte[] bytes, List<byte[]> refs) {}

  private final DaskSession session;
  private final SharedValues shared;
  private final long limit;
  private final ArraySpiller arrays;
  private final Set<String> callBlobs = new HashSet<>();

  BatchEncoder(
      DaskSession session, Map<Object, SharedBlob> explicit, boolean auto, long threshold) {
    this(session, explicit, auto, threshold, Protocol.MAX_BATCH, null);
  }

  /**
   * An encoder with another batch limit (tests reach its handling without gigabytes).
   *
   * @param limit the most bytes of a serialized batch
   */
  BatchEncoder(
      DaskSession session,
      Map<Object, SharedBlob> explicit,
      boolean auto,
      long threshold,
      long limit) {
    this(session, explicit, auto, threshold, limit, null);
  }

  /**
   * An encoder for one call.
   *
   * @param arrays where the call's arrays above max_nbytes inside shared or measured values go
   *     (workers on this host map them), or {@code null} to serialize them; closed with the call
   */
  BatchEncoder(
      DaskSession session,
      Map<Object, SharedBlob> explicit,
      boolean auto,
      long threshold,
      long limit,
      ArraySpiller arrays) {
    this.session = session;
    this.shared =
        BatchShipper.plainSharing(
            explicit, auto, threshold, b -> new ScatterRef(b.sha()), InlineValue::new, arrays);
    this.limit = limit;
    this.arrays = arrays;
  }

  /**
   * Serializes a batch, scattering large arguments first.
   *
   * @param batch the batch
   * @return its bytes and references
   * @throws org.joblib4j.TaskSerializationException naming the task and value that cannot be
   *     serialized, or the task that takes the batch past what one frame carries and its size
   */
  synchronized Encoded encode(Batch batch) {
    // core's shipper, as on loky: a batch too large fails here, in the caller, before it is sent
    Shipment shipment = BatchShipper.shipPlain(batch, shared, limit);
    List<SharedBlob> added = new ArrayList<>();
    for (SharedBlob b : shared.callBlobs()) {
      if (callBlobs.add(b.sha())) {
        added.add(b);
      }
    }
    if (!added.isEmpty()) {
      session.acquireBlobs(added);
    }
    List<byte[]> refs = new ArrayList<>(shipment.refs().size());
    for (SharedBlob b : shipment.refs()) {
      refs.add(HexFormat.of().parseHex(b.sha()));
    }
    return new Encoded(shipment.bytes(), refs);
  }

  /** Ends a call: its auto-scattered blobs are released on the cluster, its array files deleted. */
  synchronized void endCall() {
    session.releaseBlobs(callBlobs);
    callBlobs.clear();
    if (arrays != null) {
      arrays.close();
    }
  }

  /** The blob name of a value, as {@link SharedValues} names it. */
  static String sha256(byte[] bytes) {
    return SharedBlob.of(bytes).sha();
  }

  /**
   * Builds the explicit scatter map of a backend: each object serialized once, broadcast once.
   *
   * @param arrays where arrays above max_nbytes inside the objects go while the blobs live (workers
   *     on this host map them), or {@code null} to serialize them
   */
  static Map<Object, SharedBlob> scatterAll(
      DaskSession session, List<Object> objects, Set<String> acquired, ArraySpiller arrays) {
    Map<Object, SharedBlob> out = BatchShipper.scatterPlain(objects, arrays);
    List<SharedBlob> added = new ArrayList<>();
    for (SharedBlob b : out.values()) {
      if (acquired.add(b.sha())) {
        added.add(b);
      }
    }
    if (!added.isEmpty()) {
      session.acquireBlobs(added);
    }
    return out;
  }
}
