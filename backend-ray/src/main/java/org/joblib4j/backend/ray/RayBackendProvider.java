package org.joblib4j.backend.ray;

import com.google.auto.service.AutoService;
import org.joblib4j.process.SharingOptions;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code ray}. */
@AutoService(BackendProvider.class)
public final class RayBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "ray";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    RayOptions options = RayOptions.from(context);
    RayRuntime.checkAvailable();
    return new RayBackend(options, SharingOptions.parse(context));
  }
}
