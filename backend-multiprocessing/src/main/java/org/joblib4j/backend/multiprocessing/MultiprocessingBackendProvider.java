package org.joblib4j.backend.multiprocessing;

import com.google.auto.service.AutoService;
import java.util.Optional;
import org.joblib4j.process.WorkerJvms;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code multiprocessing}. */
@AutoService(BackendProvider.class)
public final class MultiprocessingBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "multiprocessing";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    return new MultiprocessingBackend(context);
  }

  /** Where worker JVMs cannot be started, joblib's rule: fall back to threading. */
  @Override
  public Optional<String> unavailableReason() {
    return WorkerJvms.unavailableReason();
  }
}
