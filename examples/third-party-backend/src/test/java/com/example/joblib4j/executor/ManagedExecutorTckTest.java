package com.example.joblib4j.executor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.joblib4j.tck.BackendCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The backend passes joblib4j's compatibility kit. */
class ManagedExecutorTckTest extends BackendCompatibilityKit {
  private static ExecutorService pool;

  @BeforeAll
  static void applicationPool() {
    pool = Executors.newFixedThreadPool(4);
    ManagedExecutors.register("default", pool);
  }

  @AfterAll
  static void shutdown() {
    ManagedExecutors.unregister("default");
    pool.shutdownNow();
  }

  @Override
  protected String backendName() {
    return "managed-executor";
  }
}
