package org.joblib4j.backend.threading;

import com.google.auto.service.AutoService;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/**
 * Registers {@code verify}: threads, with the serialization round trip of the process backends.
 * That round trip is the worker-JVM toolkit's ({@code parallel-process}, an optional dependency of
 * this jar), so an application that uses threads only does not carry it.
 */
@AutoService(BackendProvider.class)
public final class VerifyingBackendProvider implements BackendProvider {
  /** A class of the worker-JVM toolkit that {@code verify} needs. */
  static final String TOOLKIT_CLASS = "org.joblib4j.process.BatchShipper";

  @Override
  public String name() {
    return "verify";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    requireToolkit(VerifyingBackendProvider.class.getClassLoader());
    return new VerifyingBackend(VerifyFaults.from(context));
  }

  /**
   * Fails, saying what to add, when the worker-JVM toolkit is not on the class path.
   *
   * @param loader where to look for it
   * @throws ParallelConfigurationException if it is missing
   */
  static void requireToolkit(ClassLoader loader) {
    try {
      Class.forName(TOOLKIT_CLASS, false, loader);
    } catch (ClassNotFoundException e) {
      throw new ParallelConfigurationException(
          "The verify backend runs tasks through the process backends' serialization, which is in"
              + " org.joblib4j:parallel-process: add that artifact (loky, multiprocessing, dask and"
              + " ray bring it) to use verify.");
    }
  }
}
