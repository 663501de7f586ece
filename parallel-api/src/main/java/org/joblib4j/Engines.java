package org.joblib4j;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.joblib4j.internal.ParallelEngine;

/** Finds the engine (parallel-core) once, the way SLF4J finds its provider. */
final class Engines {
  static final String MISSING =
      "joblib4j found no engine: the parallel-api jar holds only the API. Add the artifact"
          + " org.joblib4j:parallel-core (and a backend such as org.joblib4j:backend-threading)"
          + " to the classpath.";

  private Engines() {}

  private static final class Holder {
    static final ParallelEngine ENGINE = load();
  }

  static ParallelEngine get() {
    try {
      return Holder.ENGINE;
    } catch (ExceptionInInitializerError e) {
      throw new IllegalStateException(MISSING, e.getCause());
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(MISSING, e);
    }
  }

  private static ParallelEngine load() {
    ClassLoader[] loaders = {
      Engines.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
    };
    for (ClassLoader cl : loaders) {
      if (cl == null) {
        continue;
      }
      Iterator<ParallelEngine> it = ServiceLoader.load(ParallelEngine.class, cl).iterator();
      try {
        if (it.hasNext()) {
          return it.next();
        }
      } catch (ServiceConfigurationError e) {
        throw new IllegalStateException(
            "joblib4j's engine (org.joblib4j:parallel-core) failed to load: " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException(MISSING);
  }
}
