package org.joblib4j.backend.threading;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import org.joblib4j.ParallelConfigurationException;

/**
 * Virtual threads (JDK 21+) reached by reflection, so the module still builds for and runs on Java
 * 17, where asking for them fails with a clear message.
 */
final class VirtualThreads {
  private VirtualThreads() {}

  /**
   * A factory of virtual threads named {@code joblib4j-virtual-N}.
   *
   * @return the factory
   * @throws ParallelConfigurationException on a JVM older than 21
   */
  static ThreadFactory factory() {
    int version = Runtime.version().feature();
    if (version < 21) {
      throw new ParallelConfigurationException(
          "The threading backend's option virtual=true needs Java 21 or later (virtual threads);"
              + " this JVM is Java "
              + version
              + ". Run on Java 21+, or remove joblib4j.backend.threading.virtual.");
    }
    try {
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Method name = builderType.getMethod("name", String.class, long.class);
      builder = name.invoke(builder, "joblib4j-virtual-", 1L);
      return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "Could not create virtual threads on Java " + version + ": " + e, e);
    }
  }
}
