package org.joblib4j.process;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry past a size, for the per-JVM caches of the
 * worker channel (not thread-safe: callers synchronize on it).
 *
 * @param <K> the keys
 * @param <V> the values
 */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
  private static final long serialVersionUID = 1L;
  private final int maxSize;

  LruMap(int maxSize) {
    super(64, 0.75f, true);
    this.maxSize = maxSize;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > maxSize;
  }
}
