package org.joblib4j.backend.ray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.process.BatchShipper;
import org.joblib4j.process.JavaTaskSerializer;
import org.joblib4j.process.ResultsInOrder;
import org.joblib4j.process.SerializationDiagnostics;
import org.joblib4j.process.WorkerReplies;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;

/**
 * The one function Ray's Java workers run: a serialized {@link Batch} in, a serialized envelope
 * out. A task's exception never reaches Ray (on JDK 17+ Ray's FST serializer aborts the worker on
 * it); it travels back as a value and is rethrown with its own type in the caller.
 *
 * <p>The envelope is {@code Object[] {Boolean ok, Object value}}: {@code ok} with the batch's
 * results, or not ok with a {@link BatchTaskException} (a task failed) or another throwable (the
 * batch could not be run: a class missing from the code search path, for example).
 */
public final class RayBridge {
  private RayBridge() {}

  /**
   * Runs a batch in a Ray worker.
   *
   * @param payload the batch as {@link BatchShipper#serialize} made it (compact or Java-serialized)
   * @param pidFile a file to hold this worker's PID while the batch runs (so the embedded head's
   *     owner can kill it on abort), or empty
   * @return the serialized envelope
   */
  public static byte[] runBatch(byte[] payload, String pidFile) {
    return runSharedBatch(payload, pidFile, new byte[0]);
  }

  /**
   * Runs a batch whose shared values Ray delivered from its object store.
   *
   * @param payload the batch as {@link BatchShipper#ship} made it
   * @param pidFile as for {@link #runBatch}
   * @param shared the batch's shared values ({@link org.joblib4j.process.SharedBlob#bundle})
   * @return the serialized envelope
   */
  public static byte[] runSharedBatch(byte[] payload, String pidFile, byte[] shared) {
    Path pid = pidFile == null || pidFile.isEmpty() ? null : Path.of(pidFile);
    if (pid != null) {
      try {
        Files.writeString(
            pid, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        pid = null;
      }
    }
    try {
      // Ray's per-job class loader over the code search path is the context loader here
      JavaTaskSerializer serializer =
          new JavaTaskSerializer(null, Thread.currentThread().getContextClassLoader());
      Object[] envelope;
      Batch batch = null;
      try {
        batch =
            BatchShipper.deserialize(
                payload, Thread.currentThread().getContextClassLoader(), shared);
        envelope = new Object[] {Boolean.TRUE, new ArrayList<>(batch.call())};
      } catch (Throwable t) {
        envelope = new Object[] {Boolean.FALSE, batch == null ? unreadable(t) : t};
      }
      return encode(serializer, envelope, batch);
    } finally {
      if (pid != null) {
        try {
          Files.deleteIfExists(pid);
        } catch (IOException e) {
          // the owner ignores stale files
        }
      }
    }
  }

  /** joblib's words, as a worker JVM that cannot read its batch; the caller sets the index. */
  private static TaskSerializationException unreadable(Throwable t) {
    return SerializationDiagnostics.unreadableBatch(
        -1,
        "Ray worker " + ProcessHandle.current().pid(),
        "the workers' code search path (joblib4j.backend.ray.code-search-path)",
        t);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> uncheckedList(Object results) {
    return (List<Object>) results;
  }

  private static byte[] encode(JavaTaskSerializer serializer, Object[] envelope, Batch batch) {
    try {
      return serializer.serialize(
          Boolean.TRUE.equals(envelope[0])
              ? new Object[] {Boolean.TRUE, ResultsInOrder.of(uncheckedList(envelope[1]))}
              : envelope);
    } catch (Throwable first) {
      // as on loky: a result that cannot travel is its task's failure (one too large is named
      // with its size), an exception that cannot is replaced by its stand-in
      Throwable failure =
          Boolean.TRUE.equals(envelope[0])
              ? WorkerReplies.unsendable(batch, uncheckedList(envelope[1]), first, serializer)
              : (Throwable) envelope[1];
      try {
        return serializer.serialize(
            new Object[] {Boolean.FALSE, WorkerReplies.sendable(failure, serializer)});
      } catch (IOException impossible) {
        throw new IllegalStateException(impossible.toString());
      }
    }
  }
}
