/**
 * Helpers for backend authors, kept apart from the backend SPI itself (as slf4j keeps its {@code
 * helpers}): joblib's auto batching ({@link org.joblib4j.spi.support.AutoBatchSizer}), sizes and
 * durations written as joblib writes them ({@link org.joblib4j.spi.support.ByteSizes}, {@link
 * org.joblib4j.spi.support.Durations}), and joblib4j's global configuration as the engine reads it
 * (system properties, then environment variables, then {@code joblib4j.properties}: {@link
 * org.joblib4j.spi.support.LayeredConfigSource}).
 */
package org.joblib4j.spi.support;
