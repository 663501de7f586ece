package org.joblib4j.process;

import java.util.concurrent.atomic.LongAdder;

/**
 * What this JVM has sent to worker JVMs, for tests and benchmarks: how shared values travel
 * (serialized once per call, sent once per worker) and how many bytes went out in all.
 */
public final class TransferCounters {
  static final LongAdder SHARED_VALUES_SERIALIZED = new LongAdder();
  static final LongAdder SHARED_VALUES_SENT = new LongAdder();
  static final LongAdder BYTES_SENT = new LongAdder();

  private TransferCounters() {}

  /**
   * Returns how many values were serialized to be shared (once per value and call, plus once per
   * {@code scatter} object).
   *
   * @return the count since this JVM started
   */
  public static long sharedValuesSerialized() {
    return SHARED_VALUES_SERIALIZED.sum();
  }

  /**
   * Returns how many times a shared value was sent to a worker JVM (once per worker that needed it,
   * per call or per {@code scatter}).
   *
   * @return the count since this JVM started
   */
  public static long sharedValuesSent() {
    return SHARED_VALUES_SENT.sum();
  }

  /**
   * Returns the bytes of every batch and shared value sent to worker JVMs.
   *
   * @return the count since this JVM started
   */
  public static long bytesSent() {
    return BYTES_SENT.sum();
  }

  /**
   * Returns how many shared values this JVM holds now: in a worker JVM, those its parent sent and
   * has not released (a task can call this to see that a call's values went with the call).
   *
   * @return the count
   */
  public static int sharedValuesHeld() {
    return SharedBlobs.size();
  }
}
