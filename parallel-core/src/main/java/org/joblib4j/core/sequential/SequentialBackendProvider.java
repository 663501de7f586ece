package org.joblib4j.core.sequential;

import com.google.auto.service.AutoService;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code sequential}. */
@AutoService(BackendProvider.class)
public final class SequentialBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "sequential";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    context.rejectUnknown(java.util.List.of());
    return new SequentialBackend();
  }
}
