package org.joblib4j.observation;

/**
 * Hears about the calls, batches and worker JVMs of this JVM: registered with {@link
 * Observers#register}, or found with {@code ServiceLoader} (a {@code
 * META-INF/services/org.joblib4j.observation.ParallelObserver} entry). Methods are called on the
 * engine's threads, while calls run: keep them short and never block; an exception thrown here is
 * logged once and the observer is not called again.
 */
public interface ParallelObserver {
  /**
   * A call started.
   *
   * @param call the call
   */
  default void callStarted(ObservedCall call) {}

  /**
   * A call ended.
   *
   * @param end how it ended
   */
  default void callFinished(ObservedCallEnd end) {}

  /**
   * A batch was handed to the backend.
   *
   * @param call its call
   * @param firstTask the index of its first task
   * @param tasks its size
   */
  default void batchDispatched(ObservedCall call, long firstTask, int tasks) {}

  /**
   * A batch's results arrived.
   *
   * @param batch the batch
   */
  default void batchCompleted(ObservedBatch batch) {}

  /**
   * A batch failed (its first failing task, a lost worker, a result that could not be read).
   *
   * @param batch the batch, with its failure
   */
  default void batchFailed(ObservedBatch batch) {}

  /**
   * A batch's answer came back from a worker JVM.
   *
   * @param batch where it ran, and how long it waited
   */
  default void workerBatch(ObservedWorkerBatch batch) {}

  /**
   * A worker JVM started (its handshake with the pool).
   *
   * @param worker the worker
   */
  default void workerStarted(ObservedWorker worker) {}

  /**
   * A worker JVM ended (retired, killed, died, or failed to start).
   *
   * @param worker the worker, with the cause
   */
  default void workerLost(ObservedWorker worker) {}
}
