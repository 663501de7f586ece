package org.joblib4j.spi.support;

import java.util.Map;
import java.util.TreeMap;
import org.joblib4j.ConfigKeys;

/** JVM system properties, read live so {@code System.setProperty} takes effect at once. */
final class SystemPropertiesSource implements ConfigSource {

  @Override
  public String get(String key) {
    return System.getProperty(key);
  }

  @Override
  public String origin(String key) {
    return "system property " + key;
  }

  @Override
  public Map<String, String> backendParameters(String backendName) {
    String prefix = ConfigKeys.BACKEND_PARAM_PREFIX + backendName + ".";
    Map<String, String> params = new TreeMap<>();
    // a plain walk over the table: this runs for every Parallel that is built
    System.getProperties()
        .forEach(
            (k, v) -> {
              if (k instanceof String && v instanceof String) {
                String name = (String) k;
                if (name.startsWith(prefix) && name.length() > prefix.length()) {
                  params.put(name.substring(prefix.length()), (String) v);
                }
              }
            });
    return params;
  }
}
