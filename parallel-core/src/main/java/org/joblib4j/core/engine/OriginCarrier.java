package org.joblib4j.core.engine;

import java.lang.reflect.Constructor;
import org.joblib4j.TaskOrigin;

/**
 * Carries a {@link TaskOrigin} for an exception that refuses suppressed exceptions (the JVM's own
 * {@code StackOverflowError} and {@code OutOfMemoryError}): a fresh exception of the same type, the
 * original's message with the origin's appended, the original's stack trace, the original as its
 * cause and the origin suppressed, so {@code catch} clauses and {@link TaskOrigin#of} both work.
 */
final class OriginCarrier {
  private OriginCarrier() {}

  /**
   * Returns the carrier, or {@code t} itself when its type has no usable {@code (String)}
   * constructor or the new instance refuses suppressed exceptions too.
   */
  static Throwable wrap(Throwable t, TaskOrigin origin) {
    Throwable carrier;
    try {
      Constructor<? extends Throwable> c = t.getClass().getConstructor(String.class);
      String message = t.getMessage() == null ? "" : t.getMessage() + " ";
      carrier = c.newInstance(message + "[" + origin.getMessage() + "]");
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return t;
    }
    carrier.setStackTrace(t.getStackTrace());
    try {
      carrier.initCause(t);
    } catch (IllegalStateException e) {
      // the constructor set a cause of its own: keep it, the stack trace still says where
    }
    carrier.addSuppressed(origin);
    return carrier.getSuppressed().length > 0 ? carrier : t;
  }
}
