package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Backends;
import org.joblib4j.ConfigKeys;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.UnknownBackendException;
import org.joblib4j.core.DefaultEngine;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.internal.ParallelExecution;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Naming, registering and configuring backends; configuration precedence. */
@ExtendWith(ThreadingDouble.class)
class ConfigResolutionTest {
  private final List<String> registered = new ArrayList<>();

  @AfterEach
  void unregisterTestBackends() {
    registered.forEach(Backends::unregister);
    System.clearProperty(ConfigKeys.N_JOBS);
    System.clearProperty(ConfigKeys.BACKEND);
    System.clearProperty(ConfigKeys.VERBOSE);
  }

  private void register(
      String name,
      java.util.function.Supplier<? extends org.joblib4j.spi.ParallelBackend> f,
      boolean makeDefault) {
    registered.add(name);
    Backends.register(name, f, makeDefault);
  }

  private static String oneOf(List<String> names) {
    List<String> quoted = names.stream().map(n -> "\"" + n + "\"").collect(Collectors.toList());
    return quoted.size() < 2
        ? String.join("", quoted)
        : String.join(", ", quoted.subList(0, quoted.size() - 1))
            + " or "
            + quoted.get(quoted.size() - 1);
  }

  // joblib: test_parallel.py::test_invalid_backend
  @Test
  void unknownBackendNameInTheBuilder() {
    assertThat(Backends.available()).contains("sequential", "threading");
    assertThatThrownBy(() -> Parallel.builder().backend("unit-testing").build())
        .isInstanceOf(UnknownBackendException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid backend: unit-testing, expected one of " + oneOf(Backends.available()))
        .satisfies(
            e -> {
              UnknownBackendException u = (UnknownBackendException) e;
              assertThat(u.backendName()).isEqualTo("unit-testing");
              assertThat(u.available()).isEqualTo(Backends.available());
            });
  }

  @Test
  void unknownBackendNameInAScope() {
    assertThatThrownBy(() -> ParallelConfig.builder().backend("unit-testing").open())
        .isInstanceOf(UnknownBackendException.class)
        .hasMessage(
            "Invalid backend: unit-testing, expected one of " + oneOf(Backends.available()));
    assertThat(ParallelConfig.current().backendSet()).isFalse();
  }

  @Test
  void lokyIsNotInstalledYetAndTheErrorNamesTheArtifact() {
    assertThatThrownBy(() -> Parallel.builder().backend("loky").build())
        .isInstanceOf(UnknownBackendException.class)
        .hasMessageStartingWith("Invalid backend: loky, expected one of \"")
        .hasMessageContaining("org.joblib4j:backend-loky");
  }

  // joblib: test_parallel.py::test_register_parallel_backend,
  // test_parallel.py::test_overwrite_default_backend
  @Test
  void registerAddsABackend() {
    register("test_backend", FakeParallelBackend::new, false);
    assertThat(Backends.available()).contains("test_backend");
    assertThat(Backends.defaultBackend()).isEqualTo("threading");
    Parallel p = Parallel.builder().backend("test_backend").nJobs(3).build();
    assertThat(p.backendName()).isEqualTo("test_backend");
    assertThat(p.<Integer>run(IntStream.range(0, 7).mapToObj(i -> delayed(TestSupport::square, i))))
        .isEqualTo(TestSupport.squares(7));
  }

  @Test
  void makeDefaultChangesTheDefaultUntilUnregistered() {
    register("test_default_backend", FakeParallelBackend::new, true);
    assertThat(Backends.defaultBackend()).isEqualTo("test_default_backend");
    assertThat(Parallel.builder().build().backendName()).isEqualTo("test_default_backend");
    assertThat(Backends.unregister("test_default_backend")).isTrue();
    assertThat(Backends.defaultBackend()).isEqualTo("threading");
    assertThat(Parallel.builder().build().backendName()).isEqualTo("threading");
    assertThat(Backends.available()).doesNotContain("test_default_backend");
  }

  // joblib: test_parallel.py::test_backend_context_manager,
  // test_config.py::test_global_parallel_backend
  @ParameterizedTest(name = "scope sets backend and n_jobs: {0}")
  @ValueSource(
      strings = {"threading", "sequential", "test_backend_0", "test_backend_1", "test_backend_2"})
  void scopeSetsBackendAndNJobsAndRestoresThem(String name) {
    for (int i = 0; i < 3; i++) {
      register("test_backend_" + i, FakeParallelBackend::new, false);
    }
    int expectedEffective = name.equals("sequential") ? 1 : 3;
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend(name).nJobs(3).open()) {
      assertThat(s.config().backendName()).isEqualTo(name);
      assertThat(ParallelConfig.current().backendName()).isEqualTo(name);
      assertThat(ParallelConfig.current().nJobs()).isEqualTo(3);
      assertThat(Parallel.effectiveNJobs(3)).isEqualTo(expectedEffective);
      Parallel p = Parallel.builder().build();
      assertThat(p.nJobs()).isEqualTo(3);
      assertThat(p.backendName()).isEqualTo(name);
    }
    assertThat(ParallelConfig.current().backendSet()).isFalse();
    assertThat(Parallel.builder().build().backendName()).isEqualTo("threading");
    assertThat(Parallel.builder().build().nJobs()).isEqualTo(1);

    // the legacy parallel_backend
    try (ParallelConfig.Scope s = ParallelConfig.parallelBackend(name, 3)) {
      assertThat(Parallel.builder().build().backendName()).isEqualTo(name);
      assertThat(Parallel.builder().build().nJobs()).isEqualTo(3);
    }
    assertThat(Parallel.builder().build().backendName()).isEqualTo("threading");
  }

  @Test
  void scopeWithoutTryHoldsUntilUnregister() {
    ParallelConfig.Scope pb = ParallelConfig.builder().backend("sequential").open();
    try {
      assertThat(Parallel.builder().build().backendName()).isEqualTo("sequential");
    } finally {
      pb.unregister();
    }
    assertThat(Parallel.builder().build().backendName()).isEqualTo("threading");
    pb.close(); // idempotent
    assertThat(ParallelConfig.current().backendSet()).isFalse();
  }

  @Test
  void parallelBackendDefaultsToAllCpus() {
    try (ParallelConfig.Scope s = ParallelConfig.parallelBackend("threading")) {
      assertThat(Parallel.builder().build().nJobs()).isEqualTo(-1);
      assertThat(Parallel.effectiveNJobs(null)).isEqualTo(Parallel.cpuCount());
    }
  }

  // joblib: test_parallel.py::test_parameterized_backend_context_manager,
  // test_parallel.py::test_directly_parameterized_backend_context_manager
  @Test
  void namedBackendParametersReachTheFactory() {
    List<ParameterizedParallelBackend> created = Collections.synchronizedList(new ArrayList<>());
    registered.add("param_backend");
    Backends.register(
        "param_backend",
        ctx -> {
          ParameterizedParallelBackend b = new ParameterizedParallelBackend(ctx.get("param"));
          created.add(b);
          return b;
        },
        false);
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("param_backend", Map.of("param", 42)).nJobs(3).open()) {
      assertThat(s.config().backendParams()).containsEntry("param", 42);
      Parallel p = Parallel.builder().build();
      assertThat(p.nJobs()).isEqualTo(3);
      assertThat(p.backendName()).isEqualTo("param_backend");
      List<Double> r = p.run(IntStream.range(0, 5).mapToObj(i -> delayed(Math::sqrt, (double) i)));
      assertThat(r)
          .isEqualTo(
              IntStream.range(0, 5).mapToObj(i -> Math.sqrt(i)).collect(Collectors.toList()));
    }
    assertThat(created).isNotEmpty().allSatisfy(b -> assertThat(b.param).isEqualTo(42));
    List<ParameterizedParallelBackend> used =
        created.stream().filter(b -> b.configureCalls.get() > 0).collect(Collectors.toList());
    assertThat(used).hasSize(1);
    assertThat(used.get(0).lastSettings.nJobs()).isEqualTo(3);
    assertThat(used.get(0).submitCalls.get()).isPositive();
    assertThat(Parallel.builder().build().backendName()).isEqualTo("threading");
  }

  @Test
  void backendParametersInTheBuilder() {
    List<ParameterizedParallelBackend> created = Collections.synchronizedList(new ArrayList<>());
    registered.add("param_backend");
    Backends.register(
        "param_backend",
        ctx -> {
          ParameterizedParallelBackend b = new ParameterizedParallelBackend(ctx.get("param"));
          created.add(b);
          return b;
        },
        false);
    Parallel p = Parallel.builder().backend("param_backend", Map.of("param", 7)).nJobs(2).build();
    assertThat(p.<Integer>run(List.of(delayed(() -> 1), delayed(() -> 2)))).containsExactly(1, 2);
    assertThat(created).hasSize(1);
    assertThat(created.get(0).param).isEqualTo(7);
    assertThat(created.get(0).configureCalls).hasValue(1);
  }

  @Test
  void aBackendInstanceIsUsedAsIs() {
    ParameterizedParallelBackend instance = new ParameterizedParallelBackend(43);
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend(instance).nJobs(5).open()) {
      assertThat(ParallelConfig.current().backend()).isSameAs(instance);
      Parallel p = Parallel.builder().build();
      assertThat(p.nJobs()).isEqualTo(5);
      List<Double> r = p.run(IntStream.range(0, 5).mapToObj(i -> delayed(Math::sqrt, (double) i)));
      assertThat(r).hasSize(5);
    }
    assertThat(instance.configureCalls).hasValue(1);
    assertThat(instance.lastSettings.nJobs()).isEqualTo(5);
    assertThat(instance.submitCalls.get()).isPositive();
    assertThat(ParallelConfig.current().backendSet()).isFalse();
  }

  // joblib: test_config.py::test_parallel_config_nested
  @Test
  void nestedScopesInheritWhatTheyLeaveUnset() {
    try (ParallelConfig.Scope a = ParallelConfig.builder().nJobs(2).open()) {
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("threading");
      assertThat(p.nJobs()).isEqualTo(2);
    }
    try (ParallelConfig.Scope b = ParallelConfig.builder().backend("sequential").open();
        ParallelConfig.Scope inner = ParallelConfig.builder().nJobs(2).open()) {
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("sequential");
      assertThat(p.nJobs()).isEqualTo(2);
    }
    try (ParallelConfig.Scope b = ParallelConfig.builder().backend("threading").open();
        ParallelConfig.Scope inner = ParallelConfig.builder().nJobs(2).open()) {
      Parallel p = Parallel.builder().build();
      assertThat(p.backendName()).isEqualTo("threading");
      assertThat(p.nJobs()).isEqualTo(2);
    }
    try (ParallelConfig.Scope c = ParallelConfig.builder().verbose(100).open();
        ParallelConfig.Scope inner = ParallelConfig.builder().nJobs(2).open()) {
      Parallel p = Parallel.builder().build();
      assertThat(p.verbose()).isEqualTo(100);
      assertThat(p.nJobs()).isEqualTo(2);
    }
  }

  // joblib: test_config.py::test_parallel_n_jobs_none,
  // test_config.py::test_parallel_config_n_jobs_none
  @Test
  void nullNJobsIsUnsetInParallelButResetInAScope() {
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(2).open();
        Parallel p = Parallel.builder().nJobs((Integer) null).build()) {
      assertThat(p.nJobs()).isEqualTo(2);
    }
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").open()) {
      assertThat(Parallel.builder().build().nJobs())
          .isEqualTo(Parallel.builder().nJobs((Integer) null).build().nJobs())
          .isEqualTo(1);
    }
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(2).open();
        ParallelConfig.Scope reset =
            ParallelConfig.builder().backend("threading").nJobs(null).open();
        Parallel p = Parallel.builder().build()) {
      assertThat(p.nJobs()).isEqualTo(1);
    }
  }

  // joblib: test_parallel.py::test_effective_n_jobs_None, test_parallel.py::test_effective_n_jobs
  @Test
  void effectiveNJobsReadsTheActiveConfig() {
    int cpus = Parallel.cpuCount();
    assertThat(cpus).isPositive();
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(3).open()) {
      assertThat(Parallel.effectiveNJobs(null)).isEqualTo(3);
    }
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(-1).open()) {
      assertThat(Parallel.effectiveNJobs(null))
          .isEqualTo(Parallel.effectiveNJobs(-1))
          .isEqualTo(cpus);
    }
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("threading").nJobs(null).open()) {
      assertThat(Parallel.effectiveNJobs(null)).isEqualTo(1);
    }
    try (ParallelConfig.Scope s = ParallelConfig.parallelBackend("threading", 3)) {
      assertThat(Parallel.effectiveNJobs(null)).isEqualTo(3);
    }
    try (ParallelConfig.Scope s = ParallelConfig.parallelBackend("threading", -1)) {
      assertThat(Parallel.effectiveNJobs(null)).isEqualTo(cpus);
    }
    assertThat(Parallel.effectiveNJobs(null)).isEqualTo(1);
    assertThat(Parallel.effectiveNJobs(1)).isEqualTo(1);
    assertThat(Parallel.effectiveNJobs(-1)).isPositive();
  }

  // joblib: test_config.py::test_parallel_config_no_backend,
  // test_config.py::test_parallel_config_params_explicit_set
  @Test
  void explicitArgumentsBeatTheScope(@TempDir Path tmp) {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().nJobs(2).maxNbytes("1").tempFolder(tmp).open()) {
      assertThat(Parallel.builder().build().nJobs()).isEqualTo(2);
    }
    try (ParallelConfig.Scope s =
            ParallelConfig.builder().nJobs(3).maxNbytes("1").tempFolder(tmp).verbose(5).open();
        Parallel p = Parallel.builder().nJobs(2).maxNbytes("1M").verbose(0).build()) {
      assertThat(p.nJobs()).isEqualTo(2);
      assertThat(p.verbose()).isEqualTo(0);
    }
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("sequential").nJobs(3).open()) {
      Parallel p = Parallel.builder().backend("threading").build();
      assertThat(p.backendName()).isEqualTo("threading");
      assertThat(p.nJobs()).isEqualTo(3);
    }
  }

  // ------------------------------------------------------------------ configuration below the
  // scopes

  @Test
  void systemPropertiesSitBelowScopesAndTheBuilder() {
    System.setProperty(ConfigKeys.N_JOBS, "3");
    System.setProperty(ConfigKeys.BACKEND, "sequential");
    assertThat(Parallel.builder().build().nJobs()).isEqualTo(3);
    assertThat(Parallel.builder().build().backendName()).isEqualTo("sequential");
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend("threading").nJobs(2).open()) {
      assertThat(Parallel.builder().build().nJobs()).isEqualTo(2);
      assertThat(Parallel.builder().build().backendName()).isEqualTo("threading");
      assertThat(Parallel.builder().nJobs(4).build().nJobs()).isEqualTo(4);
    }
  }

  @Test
  void aBadSystemPropertyFailsNamingKeyValueAndWhatIsAllowed() {
    System.setProperty(ConfigKeys.N_JOBS, "abc");
    assertThatThrownBy(() -> Parallel.builder().build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'abc' for joblib4j.n-jobs (from system property joblib4j.n-jobs): must be"
                + " a non-zero integer such as 4 or -1 (-1 = all CPUs).");
    System.setProperty(ConfigKeys.N_JOBS, "0");
    assertThatThrownBy(() -> Parallel.builder().build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("joblib4j.n-jobs")
        .hasMessageContaining("'0'");
  }

  private static final ParallelSettings NOTHING = ParallelSettings.NONE;

  @Test
  void precedenceSystemPropertyThenEnvironmentThenPropertiesFile() {
    BackendRegistry registry = BackendRegistry.load(getClass().getClassLoader());
    DefaultEngine fileOnly =
        new DefaultEngine(
            registry,
            LayeredConfigSource.of(
                Map.of(),
                Map.of(),
                Map.of("joblib4j.n-jobs", "2", "joblib4j.backend", "sequential")));
    DefaultEngine envAndFile =
        new DefaultEngine(
            registry,
            LayeredConfigSource.of(
                Map.of(), Map.of("JOBLIB4J_N_JOBS", "3"), Map.of("joblib4j.n-jobs", "2")));
    DefaultEngine all =
        new DefaultEngine(
            registry,
            LayeredConfigSource.of(
                Map.of("joblib4j.n-jobs", "4"),
                Map.of("JOBLIB4J_N_JOBS", "3"),
                Map.of("joblib4j.n-jobs", "2")));
    ParallelExecution f = fileOnly.create(NOTHING);
    assertThat(f.nJobs()).isEqualTo(2);
    assertThat(f.backendName()).isEqualTo("sequential");
    assertThat(envAndFile.create(NOTHING).nJobs()).isEqualTo(3);
    assertThat(all.create(NOTHING).nJobs()).isEqualTo(4);
    try (ParallelConfig.Scope s = ParallelConfig.builder().nJobs(5).open()) {
      assertThat(all.create(NOTHING).nJobs()).isEqualTo(5);
    }
  }
}
