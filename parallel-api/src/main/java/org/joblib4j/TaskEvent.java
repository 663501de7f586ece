package org.joblib4j;

import java.time.Duration;
import java.util.Optional;

/**
 * One task's end, given to {@link ProgressListener#onTaskCompleted}, with what the backend knows of
 * it.
 *
 * @param backendName the backend's name
 * @param index the task's index in the input
 * @param runTime how long the task itself ran, or {@code null} where the backend does not time
 *     tasks one by one (worker JVMs and clusters time batches)
 * @param error the task's exception, or {@code null} if it returned
 * @param worker where it ran: a thread's name ({@code threading}), {@code "pid 1234"} (a worker JVM
 *     of {@code loky} or {@code multiprocessing}), or {@code null} where the backend does not say
 */
public record TaskEvent(
    String backendName, long index, Duration runTime, Throwable error, String worker) {
  /**
   * How long the task ran, where known.
   *
   * @return the run time
   */
  public Optional<Duration> duration() {
    return Optional.ofNullable(runTime);
  }

  /**
   * The task's exception, if it threw.
   *
   * @return the failure
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(error);
  }

  /**
   * Where the task ran, where known.
   *
   * @return the worker
   */
  public Optional<String> where() {
    return Optional.ofNullable(worker);
  }
}
