package org.joblib4j;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of a call's progress, given to a {@link ProgressListener}.
 *
 * @param backendName the backend's name
 * @param nJobs the number of workers the call uses
 * @param dispatchedTasks tasks handed to the backend so far
 * @param completedTasks tasks finished so far
 * @param totalTasks the number of tasks, or -1 while the input is not yet fully read and its size
 *     was not known up front
 * @param lastBatchSize the size of the batch this event is about (0 for start and finish)
 * @param elapsed time since the call started
 * @param error the failure that ended the call, or {@code null}
 */
public record ProgressEvent(
    String backendName,
    int nJobs,
    long dispatchedTasks,
    long completedTasks,
    long totalTasks,
    int lastBatchSize,
    Duration elapsed,
    Throwable error) {

  /**
   * Returns the failure that ended the call, if any.
   *
   * @return the failure
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(error);
  }
}
