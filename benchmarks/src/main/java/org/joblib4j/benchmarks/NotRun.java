package org.joblib4j.benchmarks;

/**
 * A workload an implementation skipped.
 *
 * @param implementation its {@link Measurement#implementation()}
 * @param section the workload's {@link Measurement#section()}
 * @param reason why, for the report
 */
record NotRun(String implementation, String section, String reason) {}
