package org.joblib4j.examples.library;

/**
 * The library's answer, plus what its internal {@code Parallel} resolved to.
 *
 * @param sum the sum of squares
 * @param backend the backend used
 * @param nJobs the n_jobs used
 */
public record SquaresReport(long sum, String backend, int nJobs) {}
