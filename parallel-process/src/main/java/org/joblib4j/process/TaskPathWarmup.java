package org.joblib4j.process;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.joblib4j.DelayedCall;
import org.joblib4j.TaskFunction;
import org.joblib4j.internal.DelayedCalls;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;

/**
 * joblib4j's own batch that takes a fresh JVM's task path once, so that a call's first batch does
 * not pay for it: Java serialization of tasks, serializable lambdas and records, both ways.
 * Measured on a fresh loky worker (2 vCPU, JDK 17): the first Java-serialized batch took 203 ms,
 * the next 8 ms, and a record argument added 45 ms (the JDK builds a record's deserialization
 * method handles on first use). Only joblib4j's and the JDK's classes are used: no user class is
 * loaded, so a call still sees fresh static state.
 */
final class TaskPathWarmup {
  /** A record argument and result, of the field kinds records usually have. */
  record Sample(int index, long stamp, double weight, String name, int[] rows)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    Sample next() {
      return new Sample(index + 1, stamp, weight, name, rows);
    }
  }

  private static volatile int rounds;

  private TaskPathWarmup() {}

  /** How many round trips this JVM finished (tests ask a worker through reflection). */
  static int rounds() {
    return rounds;
  }

  /**
   * The batch a pool sends in its compact form (the usual no-op and numeric tasks).
   *
   * @return the batch
   */
  static Batch compactBatch() {
    TaskFunction<Integer, Integer> increment = x -> x + 1;
    return batch(List.of(DelayedCalls.of(increment, 1), DelayedCalls.of(increment, 2)));
  }

  /**
   * The batch a pool sends Java-serialized: a lambda taking and returning a record.
   *
   * @return the batch
   */
  static Batch javaBatch() {
    TaskFunction<Sample, Sample> next = Sample::next;
    return batch(
        List.of(
            DelayedCalls.of(next, new Sample(0, 1L, 0.5, "warm-up", new int[] {1, 2})),
            DelayedCalls.of(next, new Sample(1, 2L, 1.5, "warm-up", new int[] {3}))));
  }

  private static Batch batch(List<DelayedCall<?>> tasks) {
    // an equal, not the same, Options travels as a pool's batches do
    return new Batch(0, tasks, NestedBackend.defaultFor(1), new Batch.Options(null, false, 0));
  }

  /**
   * Serializes the Java-form batch, reads it back, runs it, and sends its results through the same
   * way, in memory.
   *
   * @param tasks what writes and reads the batch (a caller's or a worker's serializer)
   * @param results what reads the results (a caller's, with its deserialization filter)
   * @throws IOException if a step fails (a warm-up's caller ignores it)
   * @throws ClassNotFoundException if a step fails
   */
  static void roundTrip(JavaTaskSerializer tasks, JavaTaskSerializer results)
      throws IOException, ClassNotFoundException {
    Batch read = BatchCodec.decode(tasks.serialize(javaBatch()), tasks);
    ResultsCodec.decode(ResultsCodec.encode(read.callUnchecked(), tasks), results);
    rounds++;
  }
}
