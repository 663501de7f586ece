package org.joblib4j.process;

import java.io.IOException;
import java.io.NotSerializableException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
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

  /** What to do with large values where worker JVMs can map files of this machine. */
  static final String MAP_LARGE_ARRAYS =
      "Let large primitive arrays go to memory-mapped files (maxNbytes)";

  /**
   * What to do with large values where a cluster's executor reads the batch (no memory mapping).
   */
  static final String SEND_LARGE_VALUES_ONCE = "Send large values once (scatter, auto-scatter)";

  private SerializationDiagnostics() {}

  /**
   * Builds the error for a batch that failed to serialize.
   *
   * @param batch the batch
   * @param failure the serialization failure
   * @param serializer the serializer, to find the failing task
   * @return the exception to throw in the caller
   */
  public static TaskSerializationException diagnose(
      Batch batch, Exception failure, TaskSerializer serializer) {
    return diagnose(batch, failure, serializer, null, MAP_LARGE_ARRAYS);
  }

  /**
   * Builds the error for a batch that failed to serialize with some of its values shared.
   *
   * @param batch the batch
   * @param failure the serialization failure
   * @param serializer the serializer, to find the failing task
   * @param sharing the call's shared values (written as references), or {@code null}
   * @param largeValues the advice for a batch too large ({@link #MAP_LARGE_ARRAYS}, ...)
   * @return the exception to throw in the caller
   */
  static TaskSerializationException diagnose(
      Batch batch,
      Exception failure,
      TaskSerializer serializer,
      SharedValues sharing,
      String largeValues) {
    PayloadTooLargeException tooLarge = PayloadTooLargeException.in(failure);
    if (tooLarge != null && serializer instanceof JavaTaskSerializer) {
      TaskSerializationException named =
          tooLarge(
              batch.firstIndex(),
              batch.tasks(),
              tooLarge,
              (JavaTaskSerializer) serializer,
              sharing,
              largeValues);
      if (named != null) {
        return named;
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      Task<?> task = batch.tasks().get(i);
      try {
        check(serializer, task, sharing);
      } catch (Exception e) {
        long index = batch.firstIndex() + i;
        String path = e instanceof NotSerializableException ? pathTo(task, e.getMessage()) : null;
        return new TaskSerializationException(
            index,
            "Could not serialize the task to send it to the workers. Task "
                + index
                + " cannot be serialized: "
                + e
                + (path != null ? " (reached through " + path + ")" : "")
                + ". Make that class Serializable, mark the field transient, or run this call on"
                + " the threading backend.",
            e);
      }
    }
    return new TaskSerializationException(
        batch.firstIndex(),
        "Could not serialize the task to send it to the workers. The batch of tasks "
            + batch.firstIndex()
            + ".."
            + (batch.firstIndex() + batch.size() - 1)
            + " cannot be serialized: "
            + failure,
        failure);
  }

  /**
   * joblib's error for results the caller cannot read back, from whichever worker ran them.
   *
   * @param firstIndex the index of the batch's first task
   * @param failure what reading them threw
   * @return the error
   */
  public static TaskSerializationException unreadableResults(long firstIndex, Throwable failure) {
    return new TaskSerializationException(
        firstIndex,
        "A result has failed to un-serialize. Please ensure that the objects returned by the"
            + " function are always serializable (failed with "
            + failure
            + ").",
        failure);
  }

  /**
   * joblib's error for a task exception the caller cannot read back.
   *
   * @param firstIndex the index of the batch's first task
   * @param failure what reading it threw
   * @return the error
   */
  public static TaskSerializationException unreadableException(long firstIndex, Throwable failure) {
    return new TaskSerializationException(
        firstIndex,
        "A task's exception has failed to un-serialize in the caller: " + failure,
        failure);
  }

  /**
   * joblib's error for a batch a worker could not read.
   *
   * @param firstIndex the index of the batch's first task ({@code -1} where the worker cannot know)
   * @param worker the worker, for example {@code worker JVM 1234}
   * @param classesOn where the tasks' classes must be, for example {@code the worker's classpath}
   * @param failure what reading the batch threw
   * @return the error
   */
  public static TaskSerializationException unreadableBatch(
      long firstIndex, String worker, String classesOn, Throwable failure) {
    return new TaskSerializationException(
        firstIndex,
        "A task has failed to un-serialize in "
            + worker
            + ". Please ensure that the arguments of the function are all serializable and that"
            + " their classes are on "
            + classesOn
            + " (failed with "
            + failure
            + ").",
        failure);
  }

  /**
   * Builds the error for a batch's results that take more bytes than one frame carries, in the
   * worker that ran them (a worker JVM of a pool, or a cluster's).
   *
   * @param firstIndex the index of the batch's first task
   * @param results the results
   * @param failure what the serialization threw
   * @param serializer the serializer the results were written with
   * @return the error naming the task whose result is too large and its size, or {@code null} if
   *     the failure is of another kind
   */
  public static TaskSerializationException resultsTooLarge(
      long firstIndex, List<Object> results, Throwable failure, JavaTaskSerializer serializer) {
    PayloadTooLargeException tooLarge = PayloadTooLargeException.in(failure);
    return tooLarge == null
        ? null
        : tooLarge(firstIndex, results, tooLarge, serializer, null, null);
  }

  /**
   * Names the value (a task, or a task's result) that takes a payload past the limit, measured
   * without holding its bytes.
   *
   * @param largeValues the advice for a batch too large, or {@code null} for results
   * @return the error, or {@code null} if the values could not be measured or stay under the limit
   */
  private static TaskSerializationException tooLarge(
      long firstIndex,
      List<?> values,
      PayloadTooLargeException failure,
      JavaTaskSerializer serializer,
      SharedValues sharing,
      String largeValues) {
    boolean results = largeValues == null;
    long limit = failure.limit();
    long[] totals;
    try {
      totals = serializer.measure(values, limit, sharing);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    int i = totals.length - 1;
    if (i < 0 || totals[i] <= limit) {
      return null;
    }
    long own = totals[i] - (i == 0 ? 0 : totals[i - 1]);
    long index = firstIndex + i;
    String what = results ? "The result of task " + index : "Task " + index;
    String size =
        own > limit || values.size() == 1
            ? what + " takes " + own + " bytes serialized"
            : what
                + " takes the "
                + (results ? "results of tasks " : "batch of tasks ")
                + firstIndex
                + ".."
                + (firstIndex + values.size() - 1)
                + " to "
                + totals[i]
                + " bytes serialized (it adds "
                + own
                + " bytes)";
    // a smaller batch helps only a batch that is too large as a whole
    boolean smallerBatch = own <= limit && values.size() > 1;
    String message =
        results
            ? size
                + ", more than the "
                + limit
                + " bytes one batch's results can carry back from a worker"
                + " JVM. Write large results to shared storage and return where they are"
                + (smallerBatch ? ", or use a smaller batch size." : ".")
            : "Could not serialize the task to send it to the workers. "
                + size
                + ", more than the "
                + limit
                + " bytes one batch can carry to a worker JVM. "
                + largeValues
                + (smallerBatch
                    ? ", read large data from shared storage in the task, or use a smaller batch size."
                    : " or read large data from shared storage in the task.");
    return new TaskSerializationException(index, message, failure);
  }

  /** Serializes a task to see whether it can be, keeping no bytes where the serializer allows. */
  private static void check(TaskSerializer serializer, Task<?> task, SharedValues sharing)
      throws IOException {
    if (serializer instanceof JavaTaskSerializer) {
      ((JavaTaskSerializer) serializer).measure(List.of(task), Long.MAX_VALUE, sharing);
    } else {
      serializer.serialize(task);
    }
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
    return o.getClass().getSimpleName().isEmpty()
        ? o.getClass().getName()
        : o.getClass().getSimpleName();
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
    SerializedLambda lambda = SerializedLambdas.of(o);
    if (lambda != null) {
      for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
        Object arg = lambda.getCapturedArg(i);
        out.put(
            "captured value " + i + " (" + (arg == null ? "null" : arg.getClass().getName()) + ")",
            arg);
      }
      return out;
    }
    if (c.getName().startsWith("java.")
        || c.getName().startsWith("javax.")
        || c.getName().startsWith("jdk.")) {
      return out;
    }
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())
            || Modifier.isTransient(f.getModifiers())
            || f.getType().isPrimitive()) {
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
}
