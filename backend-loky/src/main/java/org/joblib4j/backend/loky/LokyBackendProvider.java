package org.joblib4j.backend.loky;

import com.google.auto.service.AutoService;
import java.util.Optional;
import org.joblib4j.process.WorkerJvms;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code loky}. */
@AutoService(BackendProvider.class)
public final class LokyBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "loky";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    return new LokyBackend(context);
  }

  /** Where worker JVMs cannot be started, joblib's rule: fall back to threading. */
  @Override
  public Optional<String> unavailableReason() {
    return WorkerJvms.unavailableReason();
  }
}
