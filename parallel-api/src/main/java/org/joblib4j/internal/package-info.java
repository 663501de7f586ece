/**
 * The bridge between the API and its engine ({@code parallel-core}, found with {@code
 * ServiceLoader}): what {@code Parallel} hands the engine and gets back, the table of settings both
 * sides read ({@link org.joblib4j.internal.Settings}), and the mark the worker-JVM toolkit puts on
 * a worker's task thread for the engine's CPU budget. Neither applications nor backends use it; it
 * may change in any release.
 */
package org.joblib4j.internal;
