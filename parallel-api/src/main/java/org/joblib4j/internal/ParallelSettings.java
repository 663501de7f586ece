package org.joblib4j.internal;

import java.util.Map;
import org.joblib4j.spi.ParallelBackend;

/**
 * What a {@code Parallel.Builder} was told explicitly; what it did not set, the engine takes from
 * the scope, the configuration and the defaults ({@link Settings}).
 *
 * @param backendName the backend's name, or {@code null}
 * @param backendParams parameters for a named backend
 * @param backend a backend instance, or {@code null}
 * @param values every other setting the builder was given
 */
public record ParallelSettings(
    String backendName,
    Map<String, Object> backendParams,
    ParallelBackend backend,
    SettingValues values) {

  /** A builder told nothing. */
  public static final ParallelSettings NONE =
      new ParallelSettings(null, Map.of(), null, new SettingValues().frozen());
}
