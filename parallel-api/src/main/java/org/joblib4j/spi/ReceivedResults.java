package org.joblib4j.spi;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A batch's results as a backend received them from another process, with their serialized size and
 * the size of the batch as sent: what a backend completes {@link ParallelBackend#submit}'s future
 * with so that the engine can bound in bytes what it reads ahead. It pauses reading the input while
 * received results not yet consumed take more than {@code maxPendingBytes}, and holds no more tasks
 * than that many bytes of them would take, by the largest sent size per task seen. Results given as
 * a plain list count as zero bytes.
 */
public final class ReceivedResults extends AbstractList<Object> implements RandomAccess {
  private final List<Object> results;
  private final long bytes;
  private final long sentBytes;
  private final String worker;

  /**
   * Wraps a batch's results.
   *
   * @param results the results, in the batch's order
   * @param bytes their size as received, serialized
   */
  public ReceivedResults(List<Object> results, long bytes) {
    this(results, bytes, 0);
  }

  /**
   * Wraps a batch's results, with the size of the batch as it was sent.
   *
   * @param results the results, in the batch's order
   * @param bytes their size as received, serialized
   * @param sentBytes the batch's size as sent, serialized (data sent once for many batches, such as
   *     scattered or memory-mapped values, not included)
   */
  public ReceivedResults(List<Object> results, long bytes, long sentBytes) {
    this(results, bytes, sentBytes, null);
  }

  /**
   * Wraps a batch's results, with the size of the batch as sent and where it ran.
   *
   * @param results the results, in the batch's order
   * @param bytes their size as received, serialized
   * @param sentBytes the batch's size as sent, serialized
   * @param worker where it ran (for example {@code "pid 1234"}), or {@code null}
   */
  public ReceivedResults(List<Object> results, long bytes, long sentBytes, String worker) {
    this.results = results;
    this.bytes = bytes;
    this.sentBytes = sentBytes;
    this.worker = worker;
  }

  /**
   * Where the batch that gave these results ran.
   *
   * @param results what a backend's future completed with
   * @return the worker, or {@code null} if the backend did not say
   */
  public static String workerOf(List<Object> results) {
    return results instanceof ReceivedResults ? ((ReceivedResults) results).worker : null;
  }

  /**
   * The serialized size of a batch's results.
   *
   * @param results what a backend's future completed with
   * @return their size as received, or 0 if the backend did not say
   */
  public static long bytesOf(List<Object> results) {
    return results instanceof ReceivedResults ? ((ReceivedResults) results).bytes : 0;
  }

  /**
   * The serialized size of the batch that gave these results, as it was sent.
   *
   * @param results what a backend's future completed with
   * @return the batch's size as sent, or 0 if the backend did not say
   */
  public static long sentBytesOf(List<Object> results) {
    return results instanceof ReceivedResults ? ((ReceivedResults) results).sentBytes : 0;
  }

  /**
   * The results themselves.
   *
   * @param results what a backend's future completed with
   * @return the list inside, or {@code results} itself
   */
  public static List<Object> unwrap(List<Object> results) {
    return results instanceof ReceivedResults ? ((ReceivedResults) results).results : results;
  }

  @Override
  public Object get(int index) {
    return results.get(index);
  }

  @Override
  public int size() {
    return results.size();
  }
}
