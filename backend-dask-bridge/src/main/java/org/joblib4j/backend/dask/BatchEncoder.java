package org.joblib4j.backend.dask;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.core.process.JavaTaskSerializer;
import org.joblib4j.core.process.SerializationDiagnostics;
import org.joblib4j.spi.Batch;

/**
 * Serializes batches for Dask workers. Objects given to {@code scatter} are replaced, wherever they
 * occur, by a {@link ScatterRef}; with auto-scatter, every task argument and captured value larger
 * than the threshold is scattered once per call and replaced the same way (joblib's auto-scatter,
 * shared between tasks through an identity map). Arguments measured and found small travel as
 * {@link InlineValue}s, so even they are serialized once per call.
 */
final class BatchEncoder {
  /** A serialized batch and the blobs it references. */
  record Encoded(byte[] bytes, List<byte[]> refs) {}

  private final DaskSession session;
  private final Map<Object, ScatterRef> explicit;
  private final boolean auto;
  private final long threshold;
  private final IdentityHashMap<Object, Object> decisions = new IdentityHashMap<>();
  private final IdentityHashMap<Object, Boolean> functions = new IdentityHashMap<>();
  private final Set<String> callBlobs = new LinkedHashSet<>();

  BatchEncoder(DaskSession session, Map<Object, ScatterRef> explicit, boolean auto, long threshold) {
    this.session = session;
    this.explicit = explicit;
    this.auto = auto;
    this.threshold = threshold;
  }

  /**
   * Serializes a batch, scattering large arguments first.
   *
   * @param batch the batch
   * @return its bytes and references
   * @throws org.joblib4j.TaskSerializationException naming the task and value that cannot be serialized
   */
  synchronized Encoded encode(Batch batch) {
    try {
      if (auto) {
        for (Task<?> t : batch.tasks()) {
          for (Object c : candidates(t)) {
            decide(c);
          }
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      Out out = new Out(bytes);
      out.writeObject(batch);
      out.close();
      List<byte[]> refs = new ArrayList<>(out.refs.size());
      for (String r : out.refs) {
        refs.add(HexFormat.of().parseHex(r));
      }
      return new Encoded(bytes.toByteArray(), refs);
    } catch (IOException | RuntimeException e) {
      throw SerializationDiagnostics.diagnose(batch, e, new JavaTaskSerializer());
    }
  }

  /** Ends a call: its auto-scattered blobs are released on the cluster. */
  synchronized void endCall() {
    for (String sha : callBlobs) {
      session.releaseBlob(sha);
    }
    callBlobs.clear();
    decisions.clear();
    functions.clear();
  }

  /** A task's arguments and the values its lambdas captured (a shared function is looked at once per call). */
  private List<Object> candidates(Task<?> t) {
    List<Object> out = new ArrayList<>();
    if (t instanceof DelayedCall) {
      DelayedCall<?> d = (DelayedCall<?>) t;
      for (int i = 0; i < d.arity(); i++) {
        out.add(d.arg(i));
      }
      if (functions.put(d.function(), Boolean.TRUE) == null) {
        out.addAll(BatchNames.captured(d.function()));
      }
    } else {
      out.addAll(BatchNames.captured(t));
    }
    return out;
  }

  private void decide(Object o) throws IOException {
    if (o == null || explicit.containsKey(o) || decisions.containsKey(o)) {
      return;
    }
    if (knownSmall(o, 0)) {
      decisions.put(o, o);
      return;
    }
    long size = primitiveArrayBytes(o);
    if (size >= 0 && size <= threshold) {
      decisions.put(o, o);
      return;
    }
    byte[] bytes;
    try {
      bytes = serialize(o);
    } catch (IOException | RuntimeException notSerializable) {
      // left in place: serializing the batch reports it with the task and the path to it
      decisions.put(o, o);
      return;
    }
    if (bytes.length > threshold) {
      String sha = sha256(bytes);
      if (callBlobs.add(sha)) {
        session.acquireBlob(sha, bytes);
      }
      decisions.put(o, new ScatterRef(sha));
    } else {
      decisions.put(o, new InlineValue(bytes));
    }
  }

  private boolean knownSmall(Object o, int depth) {
    if (o == null
        || o instanceof Number && (o.getClass().getName().startsWith("java.lang.") || o instanceof BigInteger || o instanceof BigDecimal)
        || o instanceof Boolean
        || o instanceof Character
        || o instanceof Enum
        || o instanceof Class
        || o instanceof java.util.UUID
        || o instanceof java.time.temporal.TemporalAccessor && o.getClass().getName().startsWith("java.time.")
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

  /** The payload size of a primitive array, or -1 for anything else. */
  static long primitiveArrayBytes(Object o) {
    Class<?> c = o.getClass().getComponentType();
    if (c == null || !c.isPrimitive()) {
      return -1;
    }
    int n = java.lang.reflect.Array.getLength(o);
    int each = c == long.class || c == double.class ? 8 : c == int.class || c == float.class ? 4 : c == short.class || c == char.class ? 2 : 1;
    return (long) n * each;
  }

  static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Builds the explicit scatter map of a backend: each object serialized once, broadcast once. */
  static Map<Object, ScatterRef> scatterAll(DaskSession session, List<Object> objects, Set<String> acquired) {
    Map<Object, ScatterRef> out = new IdentityHashMap<>();
    for (Object o : objects) {
      if (o == null || out.containsKey(o)) {
        continue;
      }
      byte[] bytes;
      try {
        bytes = serialize(o);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "The object given to scatter (" + o.getClass().getName() + ") cannot be serialized: " + e, e);
      }
      String sha = sha256(bytes);
      if (acquired.add(sha)) {
        session.acquireBlob(sha, bytes);
      }
      out.put(o, new ScatterRef(sha));
    }
    return out;
  }

  private final class Out extends ObjectOutputStream {
    final Set<String> refs = new LinkedHashSet<>();

    Out(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      ScatterRef r = explicit.get(obj);
      if (r != null) {
        refs.add(r.sha());
        return r;
      }
      Object d = decisions.isEmpty() ? null : decisions.get(obj);
      if (d != null && d != obj) {
        if (d instanceof ScatterRef) {
          refs.add(((ScatterRef) d).sha());
        }
        return d;
      }
      return obj;
    }
  }
}
