package org.joblib4j;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.joblib4j.spi.BackendFactory;

/**
 * The backend registry: joblib's {@code register_parallel_backend}, plus what joblib lacks (list
 * and unregister). Backends from jars on the classpath are registered automatically; these methods
 * add run-time registrations, which take precedence over a jar's backend of the same name.
 *
 * <pre>{@code
 * Backends.register("mine", MyBackend::new, false);
 * Backends.available();   // [mine, sequential, threading]
 * }</pre>
 */
public final class Backends {
  private Backends() {}

  /**
   * Registers a backend factory under a name.
   *
   * @param name the name
   * @param factory creates a backend from its parameters
   * @param makeDefault whether it becomes the default backend of this JVM
   */
  public static void register(String name, BackendFactory factory, boolean makeDefault) {
    Objects.requireNonNull(factory, "factory");
    Engines.get().register(name, factory, makeDefault);
  }

  /**
   * Registers a backend that takes no parameters.
   *
   * @param name the name
   * @param factory creates a backend
   * @param makeDefault whether it becomes the default backend of this JVM
   */
  public static void register(
      String name,
      Supplier<? extends org.joblib4j.spi.ParallelBackend> factory,
      boolean makeDefault) {
    Objects.requireNonNull(factory, "factory");
    Engines.get().register(name, context -> factory.get(), makeDefault);
  }

  /**
   * Removes a run-time registration (a jar's backend of the same name becomes visible again). If it
   * was the default, the built-in default is restored.
   *
   * @param name the name
   * @return whether a registration was removed
   */
  public static boolean unregister(String name) {
    return Engines.get().unregister(name);
  }

  /**
   * Returns the names of every installed backend.
   *
   * @return the sorted names
   */
  public static List<String> available() {
    return Engines.get().available();
  }

  /**
   * Returns the name of the backend used when nothing selects one.
   *
   * @return the default backend's name
   */
  public static String defaultBackend() {
    return Engines.get().defaultBackend();
  }
}
