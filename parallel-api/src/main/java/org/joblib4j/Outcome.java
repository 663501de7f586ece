package org.joblib4j;

import java.util.Objects;

/**
 * The result of one task under {@link ErrorPolicy#COLLECT}: its value, or what it failed with (its
 * own exception, a {@link TaskTimeoutException}, or a framework error such as a {@link
 * WorkerTerminatedException}), with its index in the input.
 *
 * @param <T> the result type
 */
public final class Outcome<T> {
  private final long index;
  private final T value;
  private final Throwable failure;
  private final int attempts;

  private Outcome(long index, T value, Throwable failure, int attempts) {
    this.index = index;
    this.value = value;
    this.failure = failure;
    this.attempts = attempts;
  }

  /**
   * A successful outcome.
   *
   * @param index the task's index
   * @param value its value
   * @param <T> the result type
   * @return the outcome
   */
  public static <T> Outcome<T> success(long index, T value) {
    return new Outcome<>(index, value, null, 1);
  }

  /**
   * A successful outcome after retries ({@link RetryPolicy}).
   *
   * @param index the task's index
   * @param value its value
   * @param attempts the runs it took, at least 1
   * @param <T> the result type
   * @return the outcome
   */
  public static <T> Outcome<T> success(long index, T value, int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    return new Outcome<>(index, value, null, attempts);
  }

  /**
   * A failed outcome.
   *
   * @param index the task's index
   * @param failure what it failed with
   * @param <T> the result type
   * @return the outcome
   */
  public static <T> Outcome<T> failure(long index, Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    return new Outcome<>(index, null, failure, 1 + earlierAttempts(failure));
  }

  /** The failed attempts a retried task's final failure (or the exception it wraps) carries. */
  private static int earlierAttempts(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      int n = 0;
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof TaskAttemptException) {
          n++;
        }
      }
      if (n > 0) {
        return n;
      }
    }
    return 0;
  }

  /**
   * Returns how many times the task ran: 1 unless a {@link RetryPolicy} ran it again (then the
   * failed attempts are the final failure's suppressed {@link TaskAttemptException}s).
   *
   * @return at least 1
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Returns the task's index in the input.
   *
   * @return the index
   */
  public long index() {
    return index;
  }

  /**
   * Whether the task succeeded.
   *
   * @return true if it returned a value
   */
  public boolean isSuccess() {
    return failure == null;
  }

  /**
   * Whether the task ran past its {@code taskTimeout}.
   *
   * @return true for a timeout
   */
  public boolean isTimeout() {
    return failure instanceof TaskTimeoutException;
  }

  /**
   * Returns what the task failed with.
   *
   * @return the failure, or {@code null} on success
   */
  public Throwable failure() {
    return failure;
  }

  /**
   * Returns the value, or throws the failure (a checked one wrapped in {@link
   * TaskFailedException}).
   *
   * @return the value
   */
  public T get() {
    if (failure == null) {
      return value;
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    throw new TaskFailedException(index, failure);
  }

  /**
   * Returns the value, or a default when the task failed.
   *
   * @param fallback the default
   * @return the value or the default
   */
  public T orElse(T fallback) {
    return failure == null ? value : fallback;
  }

  @Override
  public String toString() {
    return failure == null
        ? "Outcome[" + index + ": " + value + "]"
        : "Outcome[" + index + " failed: " + failure + "]";
  }
}
