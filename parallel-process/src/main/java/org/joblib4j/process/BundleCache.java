package org.joblib4j.process;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared values a cluster's worker (a Ray task runner) rebuilt from the bundles that come with
 * its batches, kept across batches by their SHA-256: a data set scattered once is then deserialized
 * once per worker JVM, not once per batch. The least recently used go first once the values'
 * serialized sizes add up to an eighth of the heap. A value is named by its content, so a kept one
 * is always the right one; like every shared value, treat it as read-only.
 */
final class BundleCache {
  private static final class Kept {
    final Object value;
    final long bytes;

    Kept(Object value, long bytes) {
      this.value = value;
      this.bytes = bytes;
    }
  }

  private static final Map<String, Kept> KEPT = new LinkedHashMap<>(16, 0.75f, true);
  private static long budget = Runtime.getRuntime().maxMemory() / 8;
  private static long total;

  private BundleCache() {}

  /**
   * The value rebuilt earlier from a blob of that name.
   *
   * @param sha the blob's name
   * @return the value, or {@code null}
   */
  static synchronized Object get(String sha) {
    Kept k = KEPT.get(sha);
    return k == null ? null : k.value;
  }

  /**
   * Keeps a rebuilt value.
   *
   * @param sha the blob's name
   * @param value the value
   * @param bytes its serialized size
   */
  static synchronized void put(String sha, Object value, long bytes) {
    if (bytes > budget) {
      return;
    }
    Kept old = KEPT.put(sha, new Kept(value, bytes));
    total += bytes - (old == null ? 0 : old.bytes);
    for (Iterator<Kept> it = KEPT.values().iterator(); total > budget && it.hasNext(); ) {
      total -= it.next().bytes;
      it.remove();
    }
  }

  /** How many values are kept (tests). */
  static synchronized int size() {
    return KEPT.size();
  }

  /** Sets the budget and forgets everything (tests). */
  static synchronized void reset(long newBudget) {
    KEPT.clear();
    total = 0;
    budget = newBudget;
  }
}
