package org.joblib4j.core.engine;

import java.util.List;
import org.joblib4j.RetryPolicy;
import org.joblib4j.TaskAttemptException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.core.retry.Attempted;
import org.joblib4j.spi.TaskFailure;

/**
 * A call's retry policy for batches whose worker was lost ({@link WorkerTerminatedException}): a
 * task's own failures are retried where it runs (the policy wraps each task), but a dead worker JVM
 * takes its tasks with it, so the engine sends such a batch again, to the backend's replacement
 * worker, as Ray's {@code max_retries} and Dask's resubmission do. A task of that batch may have
 * run before its worker died: it runs again (at least once, as on those clusters).
 */
final class LostBatches {
  private final RetryPolicy policy;

  /**
   * Creates the rule.
   *
   * @param policy the call's retry policy, or {@code null} for none: a lost batch then fails
   */
  LostBatches(RetryPolicy policy) {
    this.policy = policy;
  }

  /**
   * Whether a batch that failed this way on this attempt is sent again.
   *
   * @param failure the batch's failure
   * @param attempt the attempt that failed, from 1
   * @return true to send it again
   */
  boolean retries(Throwable failure, int attempt) {
    return policy != null
        && failure instanceof WorkerTerminatedException
        && attempt < policy.maxAttempts()
        && policy.retries(failure);
  }

  /**
   * How long to wait before an attempt.
   *
   * @param attempt the attempt about to run, from 2
   * @return the wait in nanoseconds
   */
  long delayNanosBefore(int attempt) {
    return policy.delayBefore(attempt).toNanos();
  }

  /**
   * The final failure of a batch that was lost before: it carries each earlier loss, as a task's
   * own retried failure carries its earlier attempts.
   *
   * @param failure the last attempt's failure
   * @param lost the earlier attempts' failures, oldest first
   * @return {@code failure}
   */
  Throwable withEarlierAttempts(Throwable failure, List<Throwable> lost) {
    for (int i = 0; i < lost.size(); i++) {
      if (lost.get(i) != failure) {
        failure.addSuppressed(new TaskAttemptException(i + 1, policy.maxAttempts(), lost.get(i)));
      }
    }
    return failure;
  }

  /**
   * Counts a rerun batch's runs in its results: a task that succeeded on attempt {@code attempt} of
   * its batch ran that many times at least ({@code Outcome.attempts()}).
   *
   * @param results the batch's results
   * @param attempt the batch's attempt that gave them, from 2
   * @return the results, each success with its count
   */
  static List<Object> countAttempts(List<Object> results, int attempt) {
    List<Object> counted = new java.util.ArrayList<>(results.size());
    for (Object r : results) {
      if (r instanceof TaskFailure) {
        counted.add(r);
      } else if (r instanceof Attempted) {
        Attempted a = (Attempted) r;
        counted.add(new Attempted(a.value(), a.attempts() + attempt - 1));
      } else {
        counted.add(new Attempted(r, attempt));
      }
    }
    return counted;
  }
}
