package org.joblib4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.joblib4j.MmapMode;
import org.joblib4j.ParallelConfig;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.joblib4j.ReturnAs;
import org.joblib4j.UnknownBackendException;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** joblib's resolution order (reference §2.1), against a registry the test controls. */
class SettingsResolverTest {
  private final Map<String, String> sys = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> file = new HashMap<>();
  private final Map<String, BackendContext> created = new HashMap<>();
  private BackendRegistry registry;

  @BeforeEach
  void registry() {
    registry = BackendRegistry.load(getClass().getClassLoader()); // sequential only
    registry.register("threading", c -> new PoolBackend(true, true), false);
    registry.register(
        "procs",
        c -> {
          created.put("procs", c);
          return new ProcessLike();
        },
        false);
  }

  /** A backend with neither shared memory nor threads, as loky is. */
  static final class ProcessLike extends ParallelBackendAdapter {}

  abstract static class ParallelBackendAdapter implements ParallelBackend {
    @Override
    public int configure(org.joblib4j.spi.CallSettings settings) {
      return effectiveNJobs(settings.nJobs());
    }

    @Override
    public java.util.concurrent.CompletableFuture<java.util.List<Object>> submit(
        org.joblib4j.spi.Batch batch) {
      return java.util.concurrent.CompletableFuture.completedFuture(batch.callUnchecked());
    }

    @Override
    public boolean supportsReturnGenerator() {
      return false;
    }
  }

  private ResolvedParallel resolve(Settings s) {
    return resolve(s, ParallelConfig.current());
  }

  private ResolvedParallel resolve(Settings s, ParallelConfig scope) {
    return new SettingsResolver(registry, LayeredConfigSource.of(sys, env, file))
        .resolve(s.build(), scope);
  }

  @Test
  void defaultsAreThreadingWithOneJob() {
    ResolvedParallel r = resolve(new Settings());
    assertThat(r.backendName()).isEqualTo("threading");
    assertThat(r.nJobs()).isEqualTo(1);
    assertThat(r.nestingLevel()).isZero();
    assertThat(r.verbose()).isZero();
    assertThat(r.returnAs()).isEqualTo(ReturnAs.LIST);
    assertThat(r.preDispatch()).isEqualTo("2*n_jobs");
    assertThat(r.batchSize()).isNull();
    assertThat(r.maxNbytes()).isEqualTo(1_048_576L);
  }

  @Test
  void mmapModeComesFromTheBuilderThenTheScopeThenConfigurationThenIsRead() {
    assertThat(resolve(new Settings()).mmapMode()).isEqualTo(MmapMode.READ_ONLY);
    file.put("joblib4j.mmap-mode", "c");
    assertThat(resolve(new Settings()).mmapMode()).isEqualTo(MmapMode.COPY_ON_WRITE);
    env.put("JOBLIB4J_MMAP_MODE", "none");
    assertThat(resolve(new Settings()).mmapMode()).isNull();
    sys.put("joblib4j.mmap-mode", "r+");
    assertThat(resolve(new Settings()).mmapMode()).isEqualTo(MmapMode.READ_WRITE);
    try (ParallelConfig.Scope s = ParallelConfig.builder().mmapMode((MmapMode) null).open()) {
      // joblib's None set in a scope beats the configuration
      assertThat(resolve(new Settings()).mmapMode()).isNull();
      try (ParallelConfig.Scope inner = ParallelConfig.builder().nJobs(2).open()) {
        assertThat(resolve(new Settings()).mmapMode()).isNull();
      }
      assertThat(resolve(new Settings().mmapMode("w+")).mmapMode()).isEqualTo(MmapMode.WRITE);
      assertThat(resolve(new Settings().mmapMode("none")).mmapMode()).isNull();
    }
  }

  @Test
  void aBadConfiguredMmapModeNamesTheKeyAndTheAcceptedValues() {
    env.put("JOBLIB4J_MMAP_MODE", "rw");
    assertThatThrownBy(() -> resolve(new Settings()))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'rw' for joblib4j.mmap-mode (from environment variable"
                + " JOBLIB4J_MMAP_MODE): must be one of \"r\", \"r+\", \"w+\", \"c\" or \"none\".");
  }

  @Test
  void builderBeatsConfigurationLayers() {
    file.put("joblib4j.backend", "sequential");
    file.put("joblib4j.n-jobs", "2");
    assertThat(resolve(new Settings()).backendName()).isEqualTo("sequential");
    env.put("JOBLIB4J_BACKEND", "procs");
    env.put("JOBLIB4J_N_JOBS", "3");
    assertThat(resolve(new Settings()).backendName()).isEqualTo("procs");
    assertThat(resolve(new Settings()).nJobs()).isEqualTo(3);
    sys.put("joblib4j.backend", "threading");
    assertThat(resolve(new Settings()).backendName()).isEqualTo("threading");
    ResolvedParallel explicit = resolve(new Settings().backend("sequential").nJobs(4));
    assertThat(explicit.backendName()).isEqualTo("sequential");
    assertThat(explicit.nJobs()).isEqualTo(4);
  }

  @Test
  void configuredBackendParametersReachTheFactoryUnderExplicitOnes() {
    file.put("joblib4j.backend.procs.a", "file");
    file.put("joblib4j.backend.procs.b", "file");
    resolve(new Settings().backend("procs", Map.of("b", "code")));
    assertThat(created.get("procs").parameters())
        .containsEntry("a", "file")
        .containsEntry("b", "code");
  }

  @Test
  void preferOnlyActsWithoutAnExplicitBackend() {
    registry.register("loky", c -> new ProcessLike(), false);
    assertThat(resolve(new Settings().prefer(Prefer.PROCESSES)).backendName()).isEqualTo("loky");
    sys.put("joblib4j.backend", "threading");
    assertThat(resolve(new Settings().prefer(Prefer.PROCESSES)).backendName())
        .isEqualTo("threading");
  }

  @Test
  void preferProcessesWithoutAProcessBackendKeepsThreads() {
    assertThat(resolve(new Settings().prefer(Prefer.PROCESSES).nJobs(2)).backendName())
        .isEqualTo("threading");
  }

  @Test
  void preferThreadsReplacesADefaultProcessBackend() {
    registry.register("procs", c -> new ProcessLike(), true);
    assertThat(resolve(new Settings()).backendName()).isEqualTo("procs");
    assertThat(resolve(new Settings().prefer(Prefer.THREADS)).backendName()).isEqualTo("threading");
  }

  @Test
  void requireSharedMemReplacesAConfiguredBackendAndDropsItsNJobs() {
    sys.put("joblib4j.backend", "procs");
    sys.put("joblib4j.n-jobs", "4");
    ResolvedParallel r = resolve(new Settings().require(Require.SHAREDMEM));
    assertThat(r.backendName()).isEqualTo("threading");
    assertThat(r.nJobs()).isEqualTo(1);
    assertThat(resolve(new Settings().require(Require.SHAREDMEM).nJobs(2)).nJobs()).isEqualTo(2);
  }

  @Test
  void requireSharedMemWithAnExplicitProcessBackendIsAnError() {
    assertThatThrownBy(() -> resolve(new Settings().backend("procs").require(Require.SHAREDMEM)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Backend ProcessLike does not support shared memory");
  }

  @Test
  void theSharedMemFallbackIsReportedOnStdoutAtVerbose10() {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend(new ProcessLike()).open()) {
      resolve(new Settings().prefer(Prefer.PROCESSES).nJobs(2));
      assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
      ResolvedParallel r = resolve(new Settings().require(Require.SHAREDMEM).nJobs(2).verbose(10));
      assertThat(r.backendName()).isEqualTo("threading");
    } finally {
      System.setOut(out);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "Using ThreadingBackend as joblib backend instead of ProcessLike as the latter does not"
                + " provide shared memory semantics."
                + System.lineSeparator());
  }

  @Test
  void generatorsNeedABackendThatSupportsThem() {
    assertThatThrownBy(() -> resolve(new Settings().backend("procs").returnAs(ReturnAs.GENERATOR)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Backend ProcessLike does not support returnAs=generator");
    assertThat(
            resolve(new Settings().backend("sequential").returnAs(ReturnAs.GENERATOR)).returnAs())
        .isEqualTo(ReturnAs.GENERATOR);
  }

  @Test
  void unknownNamesListTheInstalledOnes() {
    assertThatThrownBy(() -> resolve(new Settings().backend("unit-testing")))
        .isInstanceOf(UnknownBackendException.class)
        .hasMessage(
            "Invalid backend: unit-testing, expected one of \"procs\", \"sequential\" or \"threading\"");
    sys.put("joblib4j.backend", "dask");
    assertThatThrownBy(() -> resolve(new Settings()))
        .hasMessage(
            "Invalid backend: dask, expected one of \"procs\", \"sequential\" or \"threading\". The \"dask\""
                + " backend is provided by the artifact org.joblib4j:backend-dask-bridge: add it to the"
                + " classpath.");
  }

  @Test
  void scopesBeatConfigurationAndNestFieldByField() {
    sys.put("joblib4j.backend", "procs");
    sys.put("joblib4j.n-jobs", "4");
    ParallelBackend mine = new PoolBackend(true, true);
    try (ParallelConfig.Scope outer = ParallelConfig.builder().backend(mine).verbose(100).open();
        ParallelConfig.Scope inner = ParallelConfig.builder().nJobs(2).open()) {
      ResolvedParallel r = resolve(new Settings());
      assertThat(r.backend()).isSameAs(mine);
      assertThat(r.nJobs()).isEqualTo(2);
      assertThat(r.verbose()).isEqualTo(100);
      try (ParallelConfig.Scope reset = ParallelConfig.builder().nJobs(null).open()) {
        assertThat(resolve(new Settings()).nJobs()).isEqualTo(1);
      }
    }
    assertThat(resolve(new Settings()).backendName()).isEqualTo("procs");
    assertThat(resolve(new Settings()).nJobs()).isEqualTo(4);
  }

  /** A small builder for the settings record. */
  static final class Settings {
    private boolean nJobsSet;
    private Integer nJobs;
    private String backendName;
    private Map<String, Object> params = Map.of();
    private Prefer prefer;
    private Require require;
    private Integer verbose;
    private ReturnAs returnAs;
    private String mmapMode;

    Settings mmapMode(String m) {
      mmapMode = m;
      return this;
    }

    Settings nJobs(int n) {
      nJobsSet = true;
      nJobs = n;
      return this;
    }

    Settings backend(String name) {
      backendName = name;
      return this;
    }

    Settings backend(String name, Map<String, Object> p) {
      backendName = name;
      params = p;
      return this;
    }

    Settings prefer(Prefer p) {
      prefer = p;
      return this;
    }

    Settings require(Require r) {
      require = r;
      return this;
    }

    Settings verbose(int v) {
      verbose = v;
      return this;
    }

    Settings returnAs(ReturnAs r) {
      returnAs = r;
      return this;
    }

    ParallelSettings build() {
      SettingValues v = new SettingValues();
      if (nJobsSet) {
        v.set(org.joblib4j.internal.Settings.N_JOBS, nJobs);
      }
      if (mmapMode != null) {
        v.set(org.joblib4j.internal.Settings.MMAP_MODE, MmapMode.parse(mmapMode));
      }
      v.setOrUnset(org.joblib4j.internal.Settings.PREFER, prefer);
      v.setOrUnset(org.joblib4j.internal.Settings.REQUIRE, require);
      v.setOrUnset(org.joblib4j.internal.Settings.VERBOSE, verbose);
      v.setOrUnset(org.joblib4j.internal.Settings.RETURN_AS, returnAs);
      return new ParallelSettings(backendName, params, null, v);
    }
  }
}
