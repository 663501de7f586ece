package org.joblib4j.core.registry;

import java.net.URL;
import java.security.CodeSource;
import org.joblib4j.spi.BackendProvider;

/** A provider found on the classpath, with where it came from (for duplicate-name errors). */
record DiscoveredProvider(BackendProvider provider, String location) {

  static DiscoveredProvider of(BackendProvider provider) {
    return new DiscoveredProvider(provider, locationOf(provider.getClass()));
  }

  String describe() {
    return provider.getClass().getName() + " (" + location + ")";
  }

  private static String locationOf(Class<?> type) {
    try {
      CodeSource source = type.getProtectionDomain().getCodeSource();
      URL url = source == null ? null : source.getLocation();
      return url == null ? "unknown location" : url.toString();
    } catch (SecurityException e) {
      return "unknown location";
    }
  }
}
