package com.example.joblib4j.executor;

import com.google.auto.service.AutoService;
import java.util.List;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/**
 * Registers the backend name {@code managed-executor}: adding this jar is all an application does
 * to be able to say {@code joblib4j.backend=managed-executor}. Option: {@code executor}, the name
 * given to {@link ManagedExecutors#register} (default {@code default}).
 */
@AutoService(BackendProvider.class)
public final class ManagedExecutorBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "managed-executor";
  }

  @Override
  public ParallelBackend create(BackendContext context) {
    context.rejectUnknown(List.of("executor"));
    return new ManagedExecutorBackend(context.getString("executor", "default"));
  }
}
