package org.joblib4j.process;

/**
 * One message on a joblib4j channel (a worker JVM's socket, the Dask bridge's pipes), laid out by
 * {@link FrameFormat}; the types below are the worker channel's.
 *
 * @param type what the message is ({@link #BATCH}, {@link #RESULT}, ...)
 * @param id the batch it concerns (or a pid, or 0)
 * @param payload serialized content, possibly empty
 */
public record Frame(byte type, long id, byte[] payload) {
  /** Worker to parent, first message: {@code id} is the worker's pid. */
  public static final byte HELLO = 1;

  /** Parent to worker: a serialized initializer, run once before any batch. */
  public static final byte INIT = 2;

  /** Parent to worker: a serialized batch to run. */
  public static final byte BATCH = 3;

  /** Parent to worker: drop a batch that has not started. */
  public static final byte CANCEL = 4;

  /** Parent to worker: exit now. */
  public static final byte EXIT = 5;

  /**
   * Parent to worker: a shared value ({@link SharedBlob}), sent before the first batch that refers
   * to it; the payload is its SHA-256 (32 bytes), then its bytes.
   */
  public static final byte SHARE = 6;

  /** Parent to worker: drop a shared value; the payload is its SHA-256. */
  public static final byte UNSHARE = 7;

  /** Worker to parent: a batch's serialized results. */
  public static final byte RESULT = 10;

  /** Worker to parent: a batch failed; the payload is the serialized exception. */
  public static final byte FAILURE = 11;

  /** Worker to parent: a batch was dropped after {@link #CANCEL}. */
  public static final byte CANCELLED = 12;

  /** Worker to parent: idle past the idle timeout, asks to exit. */
  public static final byte IDLE = 13;

  /**
   * Worker to parent: should be replaced (task limit, memory growth, out of memory); UTF-8 reason.
   */
  public static final byte RETIRE = 14;

  /** Worker to parent: the initializer failed; the payload is the serialized exception. */
  public static final byte INIT_FAILED = 15;

  /**
   * Worker to parent: it exits now on purpose (a task ignored its timeout); the batches it holds
   * were not started and go to other workers.
   */
  public static final byte HALTING = 16;

  /**
   * A frame without payload.
   *
   * @param type the type
   * @param id the id
   * @return the frame
   */
  public static Frame of(byte type, long id) {
    return new Frame(type, id, new byte[0]);
  }
}
