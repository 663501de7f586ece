package org.joblib4j.process;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A serializable lambda's serialized form, read through its {@code writeReplace}: what it calls and
 * what it captured, for names and diagnostics (the wire uses {@link CapturedLambda}'s cached
 * shapes).
 */
public final class SerializedLambdas {
  private SerializedLambdas() {}

  /**
   * The serialized form of a serializable lambda.
   *
   * @param o any object
   * @return its form, or {@code null} for {@code null}, an object that is no lambda, or a lambda
   *     that is not serializable
   */
  public static SerializedLambda of(Object o) {
    if (o == null || !o.getClass().isSynthetic()) {
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

  /**
   * The values a serializable lambda captured.
   *
   * @param o any object
   * @return its captured values in order, or an empty list
   */
  public static List<Object> captured(Object o) {
    SerializedLambda l = of(o);
    List<Object> out = new ArrayList<>();
    if (l != null) {
      for (int i = 0; i < l.getCapturedArgCount(); i++) {
        out.add(l.getCapturedArg(i));
      }
    }
    return out;
  }
}
