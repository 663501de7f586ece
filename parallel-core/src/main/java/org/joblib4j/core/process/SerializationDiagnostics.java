package org.joblib4j.core.process;

import java.io.NotSerializableException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.spi.Batch;

/**
 * Says which task of a batch cannot be serialized and through which field or captured value the
 * offending object is reached, so the error points at the user's code, not at the stream.
 */
public final class SerializationDiagnostics {
  private static final int MAX_DEPTH = 10;

  private SerializationDiagnostics() {}

  /**
   * Builds the error for a batch that failed to serialize.
   *
   * @param batch the batch
   * @param failure the serialization failure
   * @param serializer the serializer, to find the failing task
   * @return the exception to throw in the caller
   */
  public static TaskSerializationException diagnose(Batch batch, Exception failure, TaskSerializer serializer) {
    for (int i = 0; i < batch.size(); i++) {
      Task<?> task = batch.tasks().get(i);
      try {
        serializer.serialize(task);
      } catch (Exception e) {
        long index = batch.firstIndex() + i;
        String path = e instanceof NotSerializableException ? pathTo(task, e.getMessage()) : null;
        return new TaskSerializationException(
            index,
            "Could not serialize the task to send it to the workers. Task " + index
                + " cannot be serialized: " + e
                + (path != null ? " (reached through " + path + ")" : "")
                + ". Make that class Serializable, mark the field transient, or run this call on"
                + " the threading backend.",
            e);
      }
    }
    return new TaskSerializationException(
        batch.firstIndex(),
        "Could not serialize the task to send it to the workers. The batch of tasks "
            + batch.firstIndex() + ".." + (batch.firstIndex() + batch.size() - 1)
            + " cannot be serialized: " + failure,
        failure);
  }

  /**
   * Finds how an object of a class is reached from a root.
   *
   * @param root where to start
   * @param className the class to find
   * @return a path such as {@code lambda com.acme.Job$$Lambda$14.arg$1 -> Holder.conn}, or {@code
   *     null}
   */
  static String pathTo(Object root, String className) {
    record Step(Object value, String path, int depth) {}
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Step> queue = new ArrayDeque<>();
    queue.add(new Step(root, describe(root), 0));
    while (!queue.isEmpty()) {
      Step step = queue.poll();
      Object o = step.value;
      if (o == null || seen.put(o, Boolean.TRUE) != null) {
        continue;
      }
      if (o.getClass().getName().equals(className)) {
        return step.path;
      }
      if (step.depth >= MAX_DEPTH) {
        continue;
      }
      for (Map.Entry<String, Object> child : children(o).entrySet()) {
        queue.add(new Step(child.getValue(), step.path + " -> " + child.getKey(), step.depth + 1));
      }
    }
    return null;
  }

  private static String describe(Object o) {
    return o.getClass().getSimpleName().isEmpty() ? o.getClass().getName() : o.getClass().getSimpleName();
  }

  private static Map<String, Object> children(Object o) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    Class<?> c = o.getClass();
    if (c.isArray()) {
      if (!c.getComponentType().isPrimitive()) {
        for (int i = 0; i < Array.getLength(o); i++) {
          out.put("[" + i + "]", Array.get(o, i));
        }
      }
      return out;
    }
    if (o instanceof Collection) {
      int i = 0;
      for (Object e : (Collection<?>) o) {
        out.put("[" + i++ + "]", e);
      }
      return out;
    }
    if (o instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        out.put("[" + e.getKey() + "]", e.getValue());
      }
      return out;
    }
    SerializedLambda lambda = serializedLambda(o);
    if (lambda != null) {
      for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
        Object arg = lambda.getCapturedArg(i);
        out.put("captured value " + i + " (" + (arg == null ? "null" : arg.getClass().getName()) + ")", arg);
      }
      return out;
    }
    if (c.getName().startsWith("java.") || c.getName().startsWith("javax.") || c.getName().startsWith("jdk.")) {
      return out;
    }
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        try {
          f.setAccessible(true);
          out.put(describe(o) + "." + f.getName(), f.get(o));
        } catch (RuntimeException | IllegalAccessException e) {
          // inaccessible (a JDK class): not where user state lives
        }
      }
    }
    return out;
  }

  private static SerializedLambda serializedLambda(Object o) {
    if (!o.getClass().isSynthetic()) {
      return null;
    }
    try {
      Method m = o.getClass().getDeclaredMethod("writeReplace");
      m.setAccessible(true);
      Object r = m.invoke(o);
      return r instanceof SerializedLambda ? (SerializedLambda) r : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
