package org.joblib4j;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How often a failed task runs again ({@link Parallel.Builder#retry}): up to {@code maxAttempts}
 * runs in all, waiting {@code backoff} before the second, {@code backoff * multiplier} before the
 * third, and so on, and only for the exception types given (every {@link Exception} by default; an
 * {@link Error} is never retried unless named). A task runs again where it ran, and each failed
 * attempt is kept: the final failure carries the earlier ones as suppressed {@link
 * TaskAttemptException}s, and {@link Outcome#attempts()} counts them. Immutable.
 *
 * <pre>{@code
 * Parallel.builder().retry(RetryPolicy.attempts(3).backoff(Duration.ofMillis(200)).retryOn(IOException.class))
 * }</pre>
 */
public final class RetryPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int maxAttempts;
  private final Duration backoff;
  private final double multiplier;
  private final List<Class<? extends Throwable>> retryOn;

  private RetryPolicy(
      int maxAttempts,
      Duration backoff,
      double multiplier,
      List<Class<? extends Throwable>> retryOn) {
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.multiplier = multiplier;
    this.retryOn = retryOn;
  }

  /**
   * A policy of at most {@code maxAttempts} runs per task, at once, for every {@link Exception}.
   *
   * @param maxAttempts the runs in all, at least 1 (1: no retry)
   * @return the policy
   * @throws IllegalArgumentException if {@code maxAttempts} is below 1
   */
  public static RetryPolicy attempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "maxAttempts must be at least 1 (the first run counts; 1 means no retry), got "
              + maxAttempts);
    }
    return new RetryPolicy(maxAttempts, Duration.ZERO, 2.0, List.of(Exception.class));
  }

  /**
   * Waits before each retry: {@code first} before the second attempt, then {@code multiplier} times
   * longer each time.
   *
   * @param first the first wait, zero or more
   * @return a policy with that wait
   * @throws IllegalArgumentException if {@code first} is negative
   */
  public RetryPolicy backoff(Duration first) {
    Objects.requireNonNull(first, "first");
    if (first.isNegative()) {
      throw new IllegalArgumentException("backoff must be zero or more, got " + first);
    }
    return new RetryPolicy(maxAttempts, first, multiplier, retryOn);
  }

  /**
   * Sets how much longer each wait is than the one before (2 by default).
   *
   * @param factor at least 1
   * @return a policy with that factor
   * @throws IllegalArgumentException if {@code factor} is below 1 or not a number
   */
  public RetryPolicy backoffMultiplier(double factor) {
    if (!(factor >= 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException(
          "backoffMultiplier must be a finite number of at least 1, got " + factor);
    }
    return new RetryPolicy(maxAttempts, backoff, factor, retryOn);
  }

  /**
   * Retries only these exception types (and their subclasses).
   *
   * @param types one or more types
   * @return a policy for those types
   * @throws IllegalArgumentException if no type is given
   */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    if (types.length == 0) {
      throw new IllegalArgumentException("retryOn needs at least one exception type");
    }
    List<Class<? extends Throwable>> copy = new java.util.ArrayList<>(types.length);
    for (Class<? extends Throwable> t : types) {
      copy.add(Objects.requireNonNull(t, "an exception type"));
    }
    return new RetryPolicy(maxAttempts, backoff, multiplier, List.copyOf(copy));
  }

  /**
   * Returns the most runs per task.
   *
   * @return at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Whether a failure is one this policy retries.
   *
   * @param failure what an attempt threw
   * @return true if its type is one of {@link #retryOn}'s
   */
  public boolean retries(Throwable failure) {
    for (Class<? extends Throwable> t : retryOn) {
      if (t.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The wait before an attempt.
   *
   * @param attempt the attempt about to run, from 2
   * @return {@code backoff * multiplier^(attempt - 2)}, capped at a day
   */
  public Duration delayBefore(int attempt) {
    double nanos = backoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 2));
    return Duration.ofNanos((long) Math.min(nanos, Duration.ofDays(1).toNanos()));
  }

  @Override
  public String toString() {
    return "RetryPolicy(maxAttempts="
        + maxAttempts
        + ", backoff="
        + backoff
        + ", multiplier="
        + multiplier
        + ", retryOn="
        + retryOn.stream().map(Class::getSimpleName).toList()
        + ")";
  }
}
