package org.joblib4j.backend.dask;

import com.google.auto.service.AutoService;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code dask}. */
@AutoService(BackendProvider.class)
public final class DaskBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "dask";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    return new DaskDistributedBackend(context);
  }
}
