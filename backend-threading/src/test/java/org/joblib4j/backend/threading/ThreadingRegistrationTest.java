package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.core.DefaultEngine;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.Test;

/**
 * The threading jar itself: its registration, its options and its constructor, which the engine's
 * tests (parallel-core) cannot see through their stand-in.
 */
class ThreadingRegistrationTest {
  private static final ParallelSettings NOTHING = ParallelSettings.NONE;

  // joblib: test_parallel.py::test_register_parallel_backend,
  // test_parallel.py::test_overwrite_default_backend
  @Test
  void registeringThreadingAsDefaultAndRestoring() {
    Backends.register("threading", () -> new ThreadingBackend(), true);
    assertThat(Backends.defaultBackend()).isEqualTo("threading");
    assertThat(Parallel.builder().nJobs(2).build().<Integer>run(List.of(delayed(() -> 1))))
        .containsExactly(1);
    Backends.unregister("threading");
    // the jar's threading backend is visible again, and still the default
    assertThat(Backends.available()).contains("threading");
    assertThat(Backends.defaultBackend()).isEqualTo("threading");
  }

  // joblib: test_config.py::test_external_backends
  @Test
  void theThreadingJarRegistersItselfThroughServiceLoader() {
    List<BackendProvider> providers =
        StreamSupport.stream(ServiceLoader.load(BackendProvider.class).spliterator(), false)
            .collect(Collectors.toList());
    assertThat(providers).extracting(BackendProvider::name).contains("threading", "sequential");
    BackendProvider threading =
        providers.stream().filter(p -> p.name().equals("threading")).findFirst().orElseThrow();
    assertThat(threading.spiVersion()).isEqualTo(BackendProvider.SPI_VERSION);
    assertThat(TestSupport.newBackend("threading")).isInstanceOf(ThreadingBackend.class);
  }

  // joblib: test_config.py::test_parallel_config_constructor_params
  @Test
  void misusedConstructorParameters() {
    assertThatThrownBy(() -> ParallelConfig.builder().innerMaxNumThreads(1).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only supported when backend is not null");
    assertThatThrownBy(() -> ParallelConfig.builder().backendParam("backend_param", 1).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only supported when backend is not null");
    assertThatThrownBy(
            () ->
                ParallelConfig.builder()
                    .backend(new ThreadingBackend())
                    .backendParam("backend_param", 1)
                    .open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only supported when backend is a string");
    assertThatThrownBy(
            () -> ParallelConfig.builder().backend("threading").innerMaxNumThreads(1).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ThreadingBackend does not accept setting the innerMaxNumThreads argument.");
    assertThat(ParallelConfig.current().backendSet()).isFalse();
  }

  @Test
  void anUnknownBackendParameterIsRejected() {
    BackendRegistry registry = BackendRegistry.load(getClass().getClassLoader());
    DefaultEngine engine =
        new DefaultEngine(
            registry,
            LayeredConfigSource.of(
                Map.of("joblib4j.backend.threading.pool-size", "3"), Map.of(), Map.of()));
    assertThatThrownBy(() -> engine.create(NOTHING))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid option 'pool-size' for backend 'threading' (joblib4j.backend.threading.pool-size)."
                + " Known options: [virtual]");
  }
}
