/**
 * Helpers for backend authors, kept apart from the backend SPI itself (as slf4j keeps its {@code
 * helpers}): joblib's auto batching ({@link org.joblib4j.spi.support.AutoBatchSizer}), and sizes
 * and durations written as joblib writes them ({@link org.joblib4j.spi.support.ByteSizes}, {@link
 * org.joblib4j.spi.support.Durations}).
 */
package org.joblib4j.spi.support;
