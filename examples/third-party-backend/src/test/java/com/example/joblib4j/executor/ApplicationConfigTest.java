package com.example.joblib4j.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.Test;

/**
 * An application that only added the jar and wrote {@code joblib4j.backend=managed-executor} in its
 * {@code joblib4j.properties} (src/test/resources here) gets the backend without naming it.
 */
class ApplicationConfigTest {

  @Test
  void theConfiguredBackendIsPickedUp() {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            3,
            r -> {
              Thread t = new Thread(r, "application-pool");
              t.setDaemon(true);
              return t;
            });
    ManagedExecutors.register("default", pool);
    try {
      assertThat(Backends.available()).contains("managed-executor");
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("managed-executor");
      assertThat(p.effectiveNJobs()).isEqualTo(Math.min(3, Parallel.cpuCount()));
      List<String> threads = p.map(x -> Thread.currentThread().getName(), List.of(1, 2, 3, 4));
      assertThat(threads).containsOnly("application-pool");
    } finally {
      ManagedExecutors.unregister("default");
      pool.shutdownNow();
    }
  }

  @Test
  void aMissingPoolIsExplained() {
    assertThatThrownBy(() -> Parallel.builder().nJobs(2).build().map(x -> x, List.of(1, 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "No ExecutorService is registered as 'default' for the managed-executor backend");
  }
}
