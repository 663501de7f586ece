package org.joblib4j.process;

import java.lang.invoke.SerializedLambda;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.spi.Batch;

/**
 * Which values of a call travel once, for every backend that ships tasks to other processes:
 * objects given to {@code scatter} (for a {@code Parallel}'s lifetime), and, with auto-scatter,
 * every task argument or captured value that a second task uses too and whose serialized size
 * passes the threshold (for the call). Each such value is serialized once into a {@link SharedBlob}
 * and written into batches as a small reference (by identity, so the same object shares one blob).
 * Only arguments that look large at a glance ({@link SizeEstimate}) are looked at: the first task
 * to use one sends it as usual, and the second has it serialized on its own to be measured; one
 * measured and found small travels as an {@link InlineValue}, so it too is serialized once per
 * call. Small arguments are written as usual and not remembered, and what is remembered is held
 * weakly: a call over millions of distinct large arguments, read lazily, keeps neither the
 * arguments nor a copy of each.
 *
 * <p>The same object is the same instance for every task of one worker: like dask's scattered data
 * and joblib's memory-mapped arrays, treat shared values as read-only.
 */
public final class SharedValues {
  /** Arguments and captured values at most this big are shared by default (dask's auto-scatter). */
  public static final long DEFAULT_THRESHOLD = 64 * 1024;

  private final Map<Object, SharedBlob> explicit;
  private final boolean auto;
  private final long threshold;
  private final Measure measure;
  private final Function<SharedBlob, Object> refs;
  private final Function<byte[], Object> inlines;

  /** What a value looked at is written as: its blob, its inline form, or {@link #AS_USUAL}. */
  private final WeakIdentityMap<Object, Object> decisions = new WeakIdentityMap<>();

  /** Large-looking values one task has used: a second task makes them shared. */
  private final WeakIdentityMap<Object, Boolean> seenOnce = new WeakIdentityMap<>();

  private final WeakIdentityMap<Object, Boolean> functions = new WeakIdentityMap<>();

  /** The shared values a decided value's own bytes refer to: they travel with it. */
  private final WeakIdentityMap<Object, Set<SharedBlob>> nested = new WeakIdentityMap<>();

  private final Map<String, SharedBlob> callBlobs = new LinkedHashMap<>();

  /**
   * The decision for a value that travels as usual (not the value itself: the map holds keys
   * weakly).
   */
  private static final Object AS_USUAL = new Object();

  /**
   * Serializes one value on its own (to measure it, and to ship it if it is large), writing the
   * shared values inside it as references: a scattered data matrix inside a data-set object travels
   * as the scattered value, not again inside the object.
   */
  @FunctionalInterface
  public interface Measure {
    /**
     * Serializes a value.
     *
     * @param value the value
     * @param sharing the call's sharing, whose {@link #replace} writes the shared values inside it
     * @param refs collects the blobs the bytes refer to
     * @return the bytes, or {@code null} to let the value travel as usual
     * @throws RuntimeException when the value cannot be serialized
     */
    byte[] serialize(Object value, SharedValues sharing, Set<SharedBlob> refs);
  }

  /**
   * Creates a call's sharing whose measured values refer to the shared values inside them.
   *
   * @param explicit the {@code scatter} objects and their blobs (an identity map), possibly empty
   * @param auto whether to share large arguments automatically
   * @param threshold the serialized size above which an argument is shared
   * @param measure serializes one value on its own, its shared parts as references
   */
  public SharedValues(
      Map<Object, SharedBlob> explicit, boolean auto, long threshold, Measure measure) {
    this(explicit, auto, threshold, measure, blob -> new SharedRef(blob.sha()), InlineValue::new);
  }

  /**
   * Creates a call's sharing whose references a cluster's own workers resolve.
   *
   * @param explicit the {@code scatter} objects and their blobs (an identity map), possibly empty
   * @param auto whether to share large arguments automatically
   * @param threshold the serialized size above which an argument is shared
   * @param measure serializes one value on its own, its shared parts as references (a scattered
   *     matrix inside a data-set object must not travel again inside the object's blob)
   * @param refs what a shared value is written as in a batch
   * @param inlines what a measured small value is written as (its bytes, rebuilt by the worker)
   */
  public SharedValues(
      Map<Object, SharedBlob> explicit,
      boolean auto,
      long threshold,
      Measure measure,
      Function<SharedBlob, Object> refs,
      Function<byte[], Object> inlines) {
    this.explicit = explicit;
    this.auto = auto;
    this.threshold = threshold;
    this.measure = measure;
    this.refs = refs;
    this.inlines = inlines;
  }

  /**
   * Serializes each object once, for {@code scatter}.
   *
   * @param objects the objects
   * @param serialize how to serialize one
   * @return an identity map of the objects to their blobs
   * @throws IllegalArgumentException naming an object that cannot be serialized
   */
  public static Map<Object, SharedBlob> scatter(
      List<?> objects, Function<Object, byte[]> serialize) {
    Map<Object, SharedBlob> out = new IdentityHashMap<>();
    for (Object o : objects) {
      if (o == null || out.containsKey(o)) {
        continue;
      }
      byte[] bytes;
      try {
        bytes = serialize.apply(o);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "The object given to scatter ("
                + o.getClass().getName()
                + ") cannot be serialized: "
                + e,
            e);
      }
      out.put(o, SharedBlob.of(bytes));
      TransferCounters.SHARED_VALUES_SERIALIZED.increment();
    }
    return out;
  }

  /**
   * Decides, before a batch is serialized, which of its tasks' arguments and captured values are
   * shared. A value that cannot be serialized is left in place: serializing the batch then reports
   * it with the task and the path to it.
   *
   * @param batch the batch
   */
  public synchronized void prepare(Batch batch) {
    if (!auto) {
      return;
    }
    for (Task<?> t : batch.tasks()) {
      for (Object c : candidates(t)) {
        decide(c);
      }
    }
  }

  /**
   * What an object is written as: a reference to its blob (recorded in {@code refs}), its inline
   * bytes, or {@code null} to write it as usual. Called for every object of a batch's graph.
   *
   * @param obj the object about to be written
   * @param used collects the blobs the batch refers to
   * @return its replacement, or {@code null}
   */
  public synchronized Object replace(Object obj, Set<SharedBlob> used) {
    SharedBlob blob = explicit.isEmpty() ? null : explicit.get(obj);
    if (blob == null) {
      Object d = decisions.isEmpty() ? null : decisions.get(obj);
      if (d == null || d == AS_USUAL) {
        return null;
      }
      Set<SharedBlob> inside = nested.isEmpty() ? null : nested.get(obj);
      if (inside != null) {
        used.addAll(inside);
      }
      if (!(d instanceof SharedBlob)) {
        return d; // its inline form
      }
      blob = (SharedBlob) d;
    }
    used.add(blob);
    return this.refs.apply(blob);
  }

  /**
   * Returns the blobs made for this call so far (not the {@code scatter} ones).
   *
   * @return the blobs
   */
  public synchronized List<SharedBlob> callBlobs() {
    return new ArrayList<>(callBlobs.values());
  }

  /**
   * A task's arguments and the values its lambdas captured (a shared function is looked at once).
   */
  private List<Object> candidates(Task<?> t) {
    List<Object> out = new ArrayList<>();
    if (t instanceof DelayedCall) {
      DelayedCall<?> d = (DelayedCall<?>) t;
      for (int i = 0; i < d.arity(); i++) {
        out.add(d.arg(i));
      }
      if (functions.put(d.function(), Boolean.TRUE) == null) {
        captured(d.function(), out);
      }
    } else {
      captured(t, out);
    }
    return out;
  }

  private static void captured(Object lambda, List<Object> out) {
    CapturedLambda.Shape shape = lambda == null ? null : CapturedLambda.shapeOf(lambda.getClass());
    SerializedLambda form = shape == null ? null : shape.serializedForm(lambda);
    if (form != null) {
      for (int i = 0; i < form.getCapturedArgCount(); i++) {
        out.add(form.getCapturedArg(i));
      }
    }
  }

  private void decide(Object o) {
    if (o == null || explicit.containsKey(o) || decisions.containsKey(o)) {
      return;
    }
    if (knownSmall(o, 0)) {
      return;
    }
    long size = primitiveArrayBytes(o);
    if (size >= 0 ? size <= threshold : !SizeEstimate.atLeast(o, threshold)) {
      // small at a glance: written as usual, and not remembered (a call of millions of distinct
      // small arguments must neither serialize each twice nor keep each alive)
      return;
    }
    if (seenOnce.remove(o) == null) {
      // its first task: it travels as usual, so a value only one task uses is never copied to be
      // kept for the call (nor cached by the workers)
      seenOnce.put(o, Boolean.TRUE);
      return;
    }
    byte[] bytes;
    Set<SharedBlob> inside = new java.util.LinkedHashSet<>();
    try {
      bytes = measure.serialize(o, this, inside);
    } catch (RuntimeException notSerializable) {
      decisions.put(o, AS_USUAL);
      return;
    }
    if (bytes != null && !inside.isEmpty()) {
      nested.put(o, inside);
    }
    if (bytes == null) {
      decisions.put(o, AS_USUAL); // travels its own way (a memory-mapped array)
    } else if (bytes.length > threshold) {
      SharedBlob blob = SharedBlob.of(bytes);
      SharedBlob known = callBlobs.putIfAbsent(blob.sha(), blob);
      decisions.put(o, known != null ? known : blob);
      TransferCounters.SHARED_VALUES_SERIALIZED.increment();
    } else {
      decisions.put(o, inlines.apply(bytes));
    }
  }

  private boolean knownSmall(Object o, int depth) {
    if (o == null
        || o instanceof Number
            && (o.getClass().getName().startsWith("java.lang.")
                || o instanceof BigInteger
                || o instanceof BigDecimal)
        || o instanceof Boolean
        || o instanceof Character
        || o instanceof Enum
        || o instanceof Class
        || o instanceof java.util.UUID
        || o instanceof java.time.temporal.TemporalAccessor
            && o.getClass().getName().startsWith("java.time.")
        || o instanceof java.time.Duration) {
      return true;
    }
    if (o instanceof String) {
      return ((String) o).length() * 3L <= threshold;
    }
    if (depth < 2 && o.getClass().getName().startsWith("java.util.")) {
      if (o instanceof Collection && ((Collection<?>) o).size() <= 16) {
        for (Object e : (Collection<?>) o) {
          if (!knownSmall(e, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      if (o instanceof Map && ((Map<?, ?>) o).size() <= 16) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
          if (!knownSmall(e.getKey(), depth + 1) || !knownSmall(e.getValue(), depth + 1)) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  /**
   * The payload size of a flat primitive array.
   *
   * @param o any object
   * @return its bytes, or -1 for anything but a flat primitive array
   */
  public static long primitiveArrayBytes(Object o) {
    Class<?> c = o.getClass().getComponentType();
    if (c == null || !c.isPrimitive()) {
      return -1;
    }
    int n = java.lang.reflect.Array.getLength(o);
    int each =
        c == long.class || c == double.class
            ? 8
            : c == int.class || c == float.class ? 4 : c == short.class || c == char.class ? 2 : 1;
    return (long) n * each;
  }
}
