package org.joblib4j;

/** What a failing task does to its call (joblib #922, #89, #1251). */
public enum ErrorPolicy {
  /** joblib's behaviour and the default: the first failure stops the call and is rethrown. */
  FAIL_FAST,
  /**
   * Every task runs. {@link Parallel#runOutcomes} and {@link Parallel#iterateOutcomes} give one
   * {@link Outcome} per task; {@link Parallel#run} returns the values if all succeeded and
   * otherwise throws a {@link TaskFailuresException} that holds every outcome.
   */
  COLLECT
}
