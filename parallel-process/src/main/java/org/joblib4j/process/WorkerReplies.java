package org.joblib4j.process;

import java.util.ArrayList;
import java.util.List;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.TaskFailure;

/**
 * What any worker (a worker JVM, a Dask executor JVM, a Ray worker) sends back for a batch when the
 * plain answer cannot go: a failure that cannot be serialized, results that cannot, a task that
 * ignored its timeout. One wording and one rule for every backend that runs batches elsewhere.
 */
public final class WorkerReplies {
  private WorkerReplies() {}

  /**
   * A failure's bytes: the exception, or, when it cannot be serialized, its {@link #sendable}
   * stand-in. Never fails.
   *
   * @param failure the failure, a {@link BatchTaskException} for a task's
   * @param serializer the worker's serializer
   * @return the bytes (empty only if not even the stand-in can be written)
   */
  public static byte[] failure(Throwable failure, TaskSerializer serializer) {
    try {
      return serializer.serialize(failure);
    } catch (Throwable notSerializable) {
      try {
        return serializer.serialize(standIn(failure));
      } catch (Throwable impossible) {
        return new byte[0];
      }
    }
  }

  /**
   * The failure itself when it can be serialized; otherwise a {@link RemoteTaskException} that
   * keeps its class, message and stack trace (inside a {@link BatchTaskException} with the same
   * task index, for a task's failure).
   *
   * @param failure the failure
   * @param serializer the worker's serializer
   * @return what can be sent
   */
  public static Throwable sendable(Throwable failure, TaskSerializer serializer) {
    try {
      serializer.serialize(failure);
      return failure;
    } catch (Throwable notSerializable) {
      return standIn(failure);
    }
  }

  private static Throwable standIn(Throwable failure) {
    return failure instanceof BatchTaskException
        ? new BatchTaskException(
            ((BatchTaskException) failure).taskIndex(), new RemoteTaskException(failure.getCause()))
        : new RemoteTaskException(failure);
  }

  /**
   * What a batch's results become when they cannot be sent: the failure of the task whose result
   * takes the answer past what one frame carries (named with its size, found without holding its
   * bytes), or of the first task whose result cannot be serialized.
   *
   * @param batch the batch
   * @param results its results
   * @param failure why they could not be serialized
   * @param serializer the worker's serializer
   * @return the failure to send instead
   */
  public static BatchTaskException unsendable(
      Batch batch, List<Object> results, Throwable failure, JavaTaskSerializer serializer) {
    TaskSerializationException tooLarge =
        SerializationDiagnostics.resultsTooLarge(batch.firstIndex(), results, failure, serializer);
    if (tooLarge != null) {
      return new BatchTaskException(tooLarge.taskIndex(), tooLarge);
    }
    return new BatchTaskException(
        batch.firstIndex() + firstUnserializable(results, serializer), failure);
  }

  private static int firstUnserializable(List<Object> results, TaskSerializer serializer) {
    for (int i = 0; i < results.size(); i++) {
      try {
        serializer.serialize(results.get(i));
      } catch (Throwable t) {
        return i;
      }
    }
    return 0;
  }

  /**
   * The answer of a batch that collects failures, one of whose tasks ignored its timeout: that
   * task's timeout as its outcome, no result for the others (the batch stops there).
   *
   * @param batch the batch
   * @param index the task that timed out
   * @param timeout its timeout
   * @return the outcomes, in order
   */
  public static List<Object> timedOut(Batch batch, long index, RuntimeException timeout) {
    List<Object> outcome = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      outcome.add(batch.firstIndex() + i == index ? TaskFailure.of(index, timeout) : null);
    }
    return outcome;
  }
}
