package org.joblib4j.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.joblib4j.Outcome;
import org.joblib4j.TaskFailuresException;
import org.joblib4j.core.retry.Attempted;
import org.joblib4j.spi.TaskFailure;

/**
 * Turns a call's raw results into what the caller asked for: plain values, values with every
 * failure collected ({@code ErrorPolicy.COLLECT}), or one {@link Outcome} per task.
 *
 * @param mode what the caller gets
 * @param backendName the backend's name, for the failures' {@code TaskOrigin}
 * @param parallel the {@code Parallel(n_jobs=...)} text
 * @param retried whether results may be {@link Attempted} (the call has a retry policy)
 */
record Results(Mode mode, String backendName, String parallel, boolean retried) {

  /** What the caller gets. */
  enum Mode {
    /** Values; the first failure ends the call. */
    VALUES,
    /**
     * Values; every task runs, failures are thrown together at the end (or one by one when
     * iterating).
     */
    COLLECTED_VALUES,
    /** One outcome per task. */
    OUTCOMES
  }

  /** The element handed to the caller for one raw result. */
  Object element(long index, Object raw) {
    if (mode == Mode.OUTCOMES) {
      return raw instanceof TaskFailure
          ? Outcome.failure(index, described((TaskFailure) raw))
          : success(index, raw);
    }
    if (raw instanceof Attempted) {
      return ((Attempted) raw).value();
    }
    if (raw instanceof TaskFailure) {
      TaskFailure f = (TaskFailure) raw;
      throw Failures.taskFailure(f.failure(), index, f.where(), backendName, parallel);
    }
    return raw;
  }

  /** Every result of a list call, failures thrown together at the end when collecting. */
  List<Object> all(List<Object> raw, long firstIndex) {
    if (mode == Mode.VALUES) {
      if (retried) {
        raw.replaceAll(r -> r instanceof Attempted ? ((Attempted) r).value() : r);
      }
      return raw;
    }
    List<Object> out = new ArrayList<>(raw.size());
    List<Outcome<?>> outcomes = new ArrayList<>(raw.size());
    boolean failed = false;
    for (int i = 0; i < raw.size(); i++) {
      Object r = raw.get(i);
      Outcome<Object> o =
          r instanceof TaskFailure
              ? Outcome.failure(firstIndex + i, described((TaskFailure) r))
              : success(firstIndex + i, r);
      failed |= !o.isSuccess();
      outcomes.add(o);
      out.add(mode == Mode.OUTCOMES ? o : o.isSuccess() ? o.get() : r);
    }
    if (failed && mode == Mode.COLLECTED_VALUES) {
      throw new TaskFailuresException(outcomes);
    }
    return out;
  }

  private static Outcome<Object> success(long index, Object raw) {
    return raw instanceof Attempted
        ? Outcome.success(index, ((Attempted) raw).value(), ((Attempted) raw).attempts())
        : Outcome.success(index, raw);
  }

  private Throwable described(TaskFailure f) {
    return Failures.described(f.failure(), f.taskIndex(), f.where(), backendName, parallel);
  }
}
