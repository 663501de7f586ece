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

  private Outcome(long index, T value, Throwable failure) {
    this.index = index;
    this.value = value;
    this.failure = failure;
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
    return new Outcome<>(index, value, null);
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
    return new Outcome<>(index, null, Objects.requireNonNull(failure, "failure"));
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
    return failure == null ? "Outcome[" + index + ": " + value + "]" : "Outcome[" + index + " failed: " + failure + "]";
  }
}
