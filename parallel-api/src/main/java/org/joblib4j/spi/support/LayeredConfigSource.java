package org.joblib4j.spi.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.joblib4j.ConfigKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration below the API: system properties, then environment variables, then the first
 * {@code joblib4j.properties} on the classpath.
 */
public final class LayeredConfigSource implements ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(LayeredConfigSource.class);

  private final List<ConfigSource> layers;

  /**
   * Creates a source over the given layers, highest first.
   *
   * @param layers the layers
   */
  public LayeredConfigSource(List<ConfigSource> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * The production configuration: system properties, environment, classpath file.
   *
   * @param classLoader where to look for {@code joblib4j.properties}
   * @return the source
   */
  public static LayeredConfigSource system(ClassLoader classLoader) {
    return new LayeredConfigSource(
        List.of(
            new SystemPropertiesSource(),
            new EnvironmentSource(System.getenv()),
            propertiesFile(classLoader)));
  }

  /**
   * A source over plain maps, for tests: keys in property form, environment in variable form.
   *
   * @param systemProperties the properties layer
   * @param environment the environment layer
   * @param file the file layer
   * @return the source
   */
  public static LayeredConfigSource of(
      Map<String, String> systemProperties,
      Map<String, String> environment,
      Map<String, String> file) {
    return new LayeredConfigSource(
        List.of(
            new MapConfigSource(systemProperties, "system property"),
            new EnvironmentSource(environment),
            new MapConfigSource(file, ConfigKeys.PROPERTIES_RESOURCE + " entry")));
  }

  private static ConfigSource propertiesFile(ClassLoader classLoader) {
    List<URL> urls = new ArrayList<>();
    try {
      Enumeration<URL> found =
          classLoader == null
              ? ClassLoader.getSystemResources(ConfigKeys.PROPERTIES_RESOURCE)
              : classLoader.getResources(ConfigKeys.PROPERTIES_RESOURCE);
      urls.addAll(Collections.list(found));
    } catch (IOException e) {
      LOG.warn(
          "Could not look for {} on the classpath: {}",
          ConfigKeys.PROPERTIES_RESOURCE,
          e.toString());
    }
    if (urls.isEmpty()) {
      return new MapConfigSource(Map.of(), ConfigKeys.PROPERTIES_RESOURCE + " entry");
    }
    if (urls.size() > 1) {
      LOG.warn(
          "Found {} {} files on the classpath; using the first, {}, and ignoring {}",
          urls.size(),
          ConfigKeys.PROPERTIES_RESOURCE,
          urls.get(0),
          urls.subList(1, urls.size()));
    }
    Properties props = new Properties();
    try (InputStream in = urls.get(0).openStream()) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("Could not read " + urls.get(0) + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new HashMap<>();
    for (String name : props.stringPropertyNames()) {
      values.put(name, props.getProperty(name).trim());
    }
    return new MapConfigSource(
        values, ConfigKeys.PROPERTIES_RESOURCE + " (" + urls.get(0) + ") entry");
  }

  @Override
  public String get(String key) {
    for (ConfigSource layer : layers) {
      String v = layer.get(key);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  @Override
  public String origin(String key) {
    for (ConfigSource layer : layers) {
      if (layer.get(key) != null) {
        return layer.origin(key);
      }
    }
    return key;
  }

  @Override
  public Map<String, String> backendParameters(String backendName) {
    Map<String, String> merged = new TreeMap<>();
    for (int i = layers.size() - 1; i >= 0; i--) {
      merged.putAll(layers.get(i).backendParameters(backendName));
    }
    return merged;
  }
}
