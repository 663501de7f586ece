package org.joblib4j.spi;

import java.util.Optional;

/**
 * Makes a backend available by name. A backend jar registers one implementation with
 * {@code @AutoService(BackendProvider.class)} (or a {@code META-INF/services} entry); adding the
 * jar to the classpath is then all a user does to be able to write {@code backend("name")}.
 *
 * <p>Providers are created once per JVM and must be cheap to construct: do real work in {@link
 * #create}, which is called only for the backend that is selected.
 *
 * <pre>{@code
 * @AutoService(BackendProvider.class)
 * public final class MyBackendProvider implements BackendProvider {
 *   public String name() { return "mine"; }
 *   public ParallelBackend create(BackendContext context) { return new MyBackend(context); }
 * }
 * }</pre>
 */
public interface BackendProvider extends BackendFactory {

  /**
   * Returns the backend's name: lower case, {@code [a-z][a-z0-9_-]*}, unique on the classpath.
   *
   * @return the name users select the backend by
   */
  String name();

  /**
   * Says why the backend cannot run in this JVM (joblib's backends missing where multiprocessing is
   * unavailable): naming an unavailable backend logs joblib's warning {@code joblib backend 'loky'
   * is not available on your system, falling back to threading.} with the reason, and the default
   * backend runs instead. Called once per JVM for each backend that is named; must be cheap.
   *
   * @return the reason, or empty (the default) when the backend can run
   */
  default Optional<String> unavailableReason() {
    return Optional.empty();
  }

  /**
   * Returns the SPI version this provider was written against; the engine refuses providers of a
   * different major version.
   *
   * @return the SPI version, {@link #SPI_VERSION} for providers compiled against this API
   */
  default int spiVersion() {
    return SPI_VERSION;
  }

  /** The SPI version of this parallel-api. */
  int SPI_VERSION = 1;
}
