package org.joblib4j.process;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * A map keyed by object identity that does not keep its keys alive, as joblib's dask backend keys
 * its per-call futures ({@code _WeakKeyDictionary}): a call that reads millions of tasks lazily
 * must not keep every argument it has looked at. The JDK has a weak map ({@code WeakHashMap}) and
 * an identity map, not both in one. Not thread-safe.
 *
 * @param <K> the keys
 * @param <V> the values
 */
final class WeakIdentityMap<K, V> {
  private final Map<Key, V> map = new HashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

  /** Reused for every lookup: {@code replace} looks up every object a batch writes. */
  private final Probe probe = new Probe();

  private static final class Key extends WeakReference<Object> {
    private final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key)) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == ((Key) o).get();
    }
  }

  /**
   * A lookup key that allocates nothing: HashMap asks the looked-up key, so its {@code equals}
   * compares the referent of the map's {@link Key} by identity.
   */
  private static final class Probe {
    private Object target;
    private int hash;

    Probe of(Object o) {
      target = o;
      hash = System.identityHashCode(o);
      return this;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).get() == target;
    }
  }

  V get(K key) {
    expunge();
    V v = map.get(probe.of(key));
    probe.target = null;
    return v;
  }

  boolean containsKey(K key) {
    expunge();
    boolean has = map.containsKey(probe.of(key));
    probe.target = null;
    return has;
  }

  /** Puts a value; returns the one it replaced, or {@code null}. */
  V put(K key, V value) {
    expunge();
    return map.put(new Key(key, collected), value);
  }

  V remove(K key) {
    expunge();
    V v = map.remove(probe.of(key));
    probe.target = null;
    return v;
  }

  boolean isEmpty() {
    expunge();
    return map.isEmpty();
  }

  int size() {
    expunge();
    return map.size();
  }

  private void expunge() {
    for (Object k; (k = collected.poll()) != null; ) {
      map.remove(k);
    }
  }
}
