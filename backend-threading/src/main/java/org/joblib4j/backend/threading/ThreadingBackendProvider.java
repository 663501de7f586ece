package org.joblib4j.backend.threading;

import com.google.auto.service.AutoService;
import java.util.List;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code threading}. */
@AutoService(BackendProvider.class)
public final class ThreadingBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "threading";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    context.rejectUnknown(List.of("virtual"));
    return new ThreadingBackend(context.getBoolean("virtual", false));
  }
}
