package org.joblib4j.tck.support;

import java.util.ServiceLoader;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** The backends of the test classpath, found the way the engine finds them (ServiceLoader). */
public final class InstalledBackends {
  private InstalledBackends() {}

  /**
   * Creates a fresh instance of an installed backend, without options.
   *
   * @param name the provider's name
   * @return a new, unconfigured backend
   * @throws AssertionError when no provider of that name is on the classpath
   */
  public static ParallelBackend create(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) {
        return p.create(BackendContext.empty(name));
      }
    }
    throw new AssertionError("no BackendProvider named " + name + " on the test classpath");
  }
}
