package org.joblib4j.spi.support;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.joblib4j.ConfigKeys;

/**
 * Environment variables: {@code JOBLIB4J_N_JOBS} stands for {@code joblib4j.n-jobs}, {@code
 * JOBLIB4J_BACKEND_DASK_SCHEDULER} for {@code joblib4j.backend.dask.scheduler}.
 */
final class EnvironmentSource implements ConfigSource {
  private final Map<String, String> env;

  /** The environment does not change: its backend parameters are found once per backend. */
  private final Map<String, Map<String, String>> parametersByBackend =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Each key's variable name, computed once: every {@code Parallel} built reads every key. */
  private final Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();

  EnvironmentSource(Map<String, String> env) {
    // a JVM's environment does not change: a plain map is read without re-encoding each name
    this.env = Map.copyOf(env);
  }

  @Override
  public String get(String key) {
    return env.get(names.computeIfAbsent(key, ConfigKeys::envName));
  }

  @Override
  public String origin(String key) {
    return "environment variable " + ConfigKeys.envName(key);
  }

  @Override
  public Map<String, String> backendParameters(String backendName) {
    return parametersByBackend.computeIfAbsent(backendName, this::scan);
  }

  private Map<String, String> scan(String backendName) {
    String prefix = ConfigKeys.envName(ConfigKeys.BACKEND_PARAM_PREFIX + backendName + ".");
    Map<String, String> params = new TreeMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            params.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-'), v);
          }
        });
    return params;
  }
}
