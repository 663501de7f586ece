package org.joblib4j.backend.ray;

import java.lang.reflect.Method;

/**
 * Ray configures log4j with its status logger at INFO, so every JVM that ran {@code Ray.init}
 * prints log4j's own "Stopping configuration ..." lines to standard output when it exits. Status
 * messages are log4j's diagnostics of itself: lowered to WARN, warnings and errors still show.
 * Through reflection, because log4j comes with Ray's jar, not with this module.
 */
final class Log4jStatusQuiet {
  private Log4jStatusQuiet() {}

  /**
   * Lowers the status listeners Ray's configuration registered to WARN; does nothing without log4j.
   */
  static void apply() {
    try {
      Class<?> level = Class.forName("org.apache.logging.log4j.Level");
      Object warn = level.getField("WARN").get(null);
      Class<?> statusLogger = Class.forName("org.apache.logging.log4j.status.StatusLogger");
      Object logger = statusLogger.getMethod("getLogger").invoke(null);
      java.util.List<Object> listeners = new java.util.ArrayList<>();
      for (Object listener : (Iterable<?>) statusLogger.getMethod("getListeners").invoke(logger)) {
        listeners.add(listener);
      }
      try {
        // log4j 2.23+: a configuration's status level goes to the fallback listener
        listeners.add(statusLogger.getMethod("getFallbackListener").invoke(logger));
      } catch (NoSuchMethodException older) {
        // only the registered listeners
      }
      for (Object listener : listeners) {
        Method setLevel = listener.getClass().getMethod("setLevel", level);
        setLevel.invoke(listener, warn);
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // another log4j, or none: its status lines are not ours to change
    }
  }
}
