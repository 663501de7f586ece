package org.joblib4j.core.registry;

import java.util.Map;

/** The backends joblib4j publishes, and the artifact that provides each. */
final class WellKnownBackends {
  private static final Map<String, String> ARTIFACTS =
      Map.of(
          "threading", "org.joblib4j:backend-threading",
          "loky", "org.joblib4j:backend-loky",
          "multiprocessing", "org.joblib4j:backend-multiprocessing",
          "dask", "org.joblib4j:backend-dask-bridge",
          "ray", "org.joblib4j:backend-ray");

  private WellKnownBackends() {}

  /**
   * Returns the artifact that provides a well-known backend.
   *
   * @param name the backend's name
   * @return {@code groupId:artifactId}, or {@code null} for other names
   */
  static String artifactOf(String name) {
    return ARTIFACTS.get(name);
  }
}
