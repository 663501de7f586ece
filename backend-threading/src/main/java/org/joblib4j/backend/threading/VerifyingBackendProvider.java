package org.joblib4j.backend.threading;

import com.google.auto.service.AutoService;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Registers {@code verify}: threads, with the serialization round trip of the process backends. */
@AutoService(BackendProvider.class)
public final class VerifyingBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "verify";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    return new VerifyingBackend(VerifyFaults.from(context));
  }
}
