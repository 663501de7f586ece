/**
 * The bridge between the API and its engine ({@code parallel-core}, found with {@code
 * ServiceLoader}): what {@code Parallel} hands the engine and gets back. Neither applications nor
 * backends use it; it may change in any release.
 */
package org.joblib4j.internal;
