package org.joblib4j.process;

import java.io.IOException;
import java.util.List;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.ReceivedResults;

/**
 * What a worker JVM's answer to a batch means for the batch's future: its results, its task's
 * failure, or, when the answer cannot be read here, a failure that says why.
 */
final class BatchAnswers {
  private BatchAnswers() {}

  /**
   * Completes a batch's future with a worker's answer.
   *
   * @param s the batch
   * @param pid the worker that answered
   * @param payload the answer's bytes
   * @param failure whether the worker reported a failure (a {@code FAILURE} frame)
   */
  static void settle(PoolSubmission s, long pid, byte[] payload, boolean failure) {
    Object value;
    try {
      value = read(pid, payload, s.loader);
    } catch (OutOfMemoryError e) {
      s.future.completeExceptionally(
          TooLargeResults.failure(s.firstIndex, s.tasks, payload.length, e));
      return;
    } catch (Exception | LinkageError e) {
      s.future.completeExceptionally(
          failure
              ? SerializationDiagnostics.unreadableException(s.firstIndex, e)
              : SerializationDiagnostics.unreadableResults(s.firstIndex, e));
      return;
    }
    if (!failure) {
      @SuppressWarnings("unchecked")
      List<Object> results = (List<Object>) value;
      // their size as received: the engine's read-ahead bound in bytes
      s.future.complete(new ReceivedResults(results, payload.length, s.bytes.length, "pid " + pid));
    } else if (value instanceof BatchTaskException) {
      s.future.completeExceptionally((BatchTaskException) value);
    } else {
      Throwable cause = (Throwable) value;
      s.future.completeExceptionally(
          SerializationDiagnostics.unreadableBatch(
              s.firstIndex, "worker JVM " + pid, "the worker's classpath", cause));
    }
  }

  /**
   * Reads what a worker sent back, through the configured {@link DeserializationFilter}.
   *
   * @param pid the worker
   * @param bytes the bytes
   * @param loader the loader to resolve classes with
   * @return the value
   * @throws IOException if the bytes are corrupt or refused by the filter
   * @throws ClassNotFoundException if a class is missing here
   */
  static Object read(long pid, byte[] bytes, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    return ResultsCodec.decode(bytes, JavaTaskSerializer.forResults(loader, "worker JVM " + pid));
  }
}
