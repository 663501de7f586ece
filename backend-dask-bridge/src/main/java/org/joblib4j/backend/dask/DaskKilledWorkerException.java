package org.joblib4j.backend.dask;

import org.joblib4j.WorkerTerminatedException;

/**
 * Dask gave up on a batch because every worker that ran it died ({@code KilledWorker}): the task
 * keeps killing its worker (a {@code System.exit}, {@code Runtime.halt}, native crash or memory
 * exhaustion of the worker process), and {@code distributed.scheduler.allowed-failures} was
 * exceeded. A worker that dies once costs nothing: Dask reruns its tasks elsewhere.
 */
public class DaskKilledWorkerException extends WorkerTerminatedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the full message, with Dask's {@code KilledWorker} reason
   */
  public DaskKilledWorkerException(String message) {
    super(message);
  }
}
