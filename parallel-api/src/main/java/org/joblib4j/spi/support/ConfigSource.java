package org.joblib4j.spi.support;

import java.util.Map;

/**
 * Where configuration values come from, lowest layers hidden behind one lookup. Tests pass a map;
 * production reads system properties, the environment and {@code joblib4j.properties}.
 */
public interface ConfigSource {

  /**
   * Returns a key's value.
   *
   * @param key a key such as {@code joblib4j.n-jobs}
   * @return the value, or {@code null} if no layer sets it
   */
  String get(String key);

  /**
   * Says where a key's value comes from, for error messages.
   *
   * @param key the key
   * @return for example {@code system property joblib4j.n-jobs}
   */
  String origin(String key);

  /**
   * Returns every {@code joblib4j.backend.<name>.<key>} parameter of one backend, by key.
   *
   * @param backendName the backend's name
   * @return the parameters, highest layer winning
   */
  Map<String, String> backendParameters(String backendName);
}
