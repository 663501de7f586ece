package org.joblib4j.core.process;

import java.io.IOException;
import java.nio.file.Path;
import org.joblib4j.spi.Batch;

/**
 * Turns a call's batches into bytes for worker JVMs, in the caller's thread: large primitive
 * arrays go to the call's memory-mapped files (deleted by {@link #endCall()}), and a batch that
 * cannot be serialized fails with a {@link org.joblib4j.TaskSerializationException} that names
 * the task and the offending value (or, for a batch larger than one frame carries, the task that
 * makes it so and its size) before any of the batch is sent.
 */
public final class BatchShipper {
  private final long limit;
  private JavaTaskSerializer serializer;
  private ArraySpiller spiller;

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
    endCall();
    if (maxNbytes != null) {
      spiller = new ArraySpiller(tempFolder, maxNbytes);
      serializer = new JavaTaskSerializer(spiller, null, true, limit);
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
  public static Batch deserialize(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
    return BatchCodec.decode(bytes, new JavaTaskSerializer(null, loader));
  }

  /** Ends the call: its memory-mapped files are deleted. Idempotent. */
  public synchronized void endCall() {
    if (spiller != null) {
      spiller.close();
      spiller = null;
      serializer = new JavaTaskSerializer(null, null, true, limit);
    }
  }
}
