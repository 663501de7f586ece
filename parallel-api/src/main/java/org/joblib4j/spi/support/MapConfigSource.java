package org.joblib4j.spi.support;

import java.util.Map;
import java.util.TreeMap;
import org.joblib4j.ConfigKeys;

/** One layer of configuration held in a map of keys in their property form. */
final class MapConfigSource implements ConfigSource {
  private final Map<String, String> values;
  private final String description;

  MapConfigSource(Map<String, String> values, String description) {
    this.values = values;
    this.description = description;
  }

  @Override
  public String get(String key) {
    return values.get(key);
  }

  @Override
  public String origin(String key) {
    return description + " " + key;
  }

  @Override
  public Map<String, String> backendParameters(String backendName) {
    String prefix = ConfigKeys.BACKEND_PARAM_PREFIX + backendName + ".";
    Map<String, String> params = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            params.put(k.substring(prefix.length()), v);
          }
        });
    return params;
  }
}
