package org.joblib4j.spi;

import java.lang.reflect.Field;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The SLF4J MDC, touched only once SLF4J has started. The first use of {@link MDC} starts SLF4J's
 * provider, and logback's start parses its XML configuration: measured at 0.08-0.2 s of CPU in a
 * fresh worker JVM (2 vCPU, JDK 17), which a task that never logs must not pay, and which eight
 * worker JVMs starting at once pay together. Before SLF4J has started, no MDC can hold anything, so
 * there is nothing to copy or clear.
 */
final class Mdc {
  /** {@code LoggerFactory.INITIALIZATION_STATE}, or {@code null} when it cannot be read. */
  private static final Field STATE = stateField();

  private Mdc() {}

  private static Field stateField() {
    try {
      Field f = LoggerFactory.class.getDeclaredField("INITIALIZATION_STATE");
      f.setAccessible(true);
      f.getInt(null);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another SLF4J, or org.slf4j as a named module that does not open it: always use the MDC
      return null;
    }
  }

  /** Set once SLF4J has started: it does not stop, so the field need not be read again. */
  private static volatile boolean started = STATE == null;

  /** Whether SLF4J may have started (0 is its "uninitialized" state, the same in 1.7 and 2.0). */
  private static boolean started() {
    if (started) {
      return true;
    }
    try {
      if (STATE.getInt(null) != 0) {
        started = true;
      }
    } catch (IllegalAccessException e) {
      started = true;
    }
    return started;
  }

  /**
   * The current thread's MDC.
   *
   * @return a copy, or {@code null} when it is empty or SLF4J has not started
   */
  static Map<String, String> copy() {
    return started() ? MDC.getCopyOfContextMap() : null;
  }

  /**
   * Makes the current thread's MDC this map, or empty.
   *
   * @param map the entries, or {@code null} for none
   */
  static void set(Map<String, String> map) {
    if (map != null) {
      MDC.setContextMap(map);
    } else if (started() && MDC.getCopyOfContextMap() != null) {
      // an empty MDC stays untouched: the usual case
      MDC.clear();
    }
  }
}
