package org.joblib4j.core.engine;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.joblib4j.ReturnAs;
import org.joblib4j.core.config.GlobalSettings;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.core.sequential.SequentialBackend;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.internal.ScopeSettings;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.support.ByteSizes;
import org.joblib4j.spi.support.ConfigSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * joblib's backend and parameter resolution ({@code _get_active_backend} and {@code
 * Parallel.__init__}): {@code require} &gt; explicit backend &gt; scope or configured backend &gt;
 * {@code prefer} &gt; the default backend; every other setting: builder, scope, configuration,
 * default.
 */
public final class SettingsResolver {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsResolver.class);
  private static final Logger WARNINGS = LoggerFactory.getLogger("org.joblib4j.Parallel");
  private static final String PROCESS_BACKEND = "loky";

  private final BackendRegistry registry;
  private final ConfigSource config;
  private final AtomicBoolean warnedNoProcessBackend = new AtomicBoolean();
  private final Set<String> warnedUnavailable = ConcurrentHashMap.newKeySet();

  /**
   * Creates a resolver.
   *
   * @param registry the backends
   * @param config the configuration below the scopes
   */
  public SettingsResolver(BackendRegistry registry, ConfigSource config) {
    this.registry = registry;
    this.config = config;
  }

  /**
   * Resolves a builder's settings against the current scope and the configuration.
   *
   * @param explicit the builder's settings
   * @param scope the settings of the thread's open scopes
   * @return the resolved settings
   */
  public ResolvedParallel resolve(ParallelSettings explicit, ParallelConfig scope) {
    SettingValues given = explicit.values();
    SettingValues scoped = ScopeSettings.of(scope);
    SettingValues configured = GlobalSettings.read(config).values();
    // every setting: the builder, the scope, the configuration, the default
    SettingValues values = SettingValues.resolve(given, scoped, configured);
    Prefer prefer = values.get(Settings.PREFER);
    Require require = values.get(Settings.REQUIRE);
    if (prefer == Prefer.PROCESSES && require == Require.SHAREDMEM) {
      throw new IllegalArgumentException(
          "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
    }
    int verbose = values.get(Settings.VERBOSE);
    int level = scope.nestingLevel() == null ? 0 : scope.nestingLevel();

    // the backend of the context: a scope, else configuration, else the default
    ParallelBackend backend;
    String name;
    boolean explicitContextBackend = true;
    if (scope.backendSet() && scope.backend() != null) {
      backend = scope.backend();
      name = nameOf(backend);
    } else if (scope.backendSet()) {
      name = scope.backendName();
      if (scope.nestingLevel() != null
          && BackendRegistry.THREADING.equals(name)
          && !registry.has(name)) {
        // a task's default nested backend, without the threading jar: nested calls run in place
        name = BackendRegistry.SEQUENTIAL;
      }
      name = usable(name);
      backend = create(name, scope.backendParams());
    } else if (configured.get(Settings.BACKEND) != null) {
      name = usable(configured.get(Settings.BACKEND));
      backend = create(name, Map.of());
    } else {
      explicitContextBackend = false;
      name = usable(registry.defaultName());
      backend = create(name, Map.of());
    }
    // n_jobs of the context (the scope, the configuration), which a hard constraint drops
    Integer contextNJobs = SettingValues.first(Settings.N_JOBS, scoped, configured);

    boolean forceThreads =
        (require == Require.SHAREDMEM && !backend.supportsSharedMem())
            || (!explicitContextBackend && prefer == Prefer.THREADS && !backend.usesThreads());
    if (forceThreads) {
      if (verbose >= 10 && explicitContextBackend) {
        System.out.println(
            "Using ThreadingBackend as joblib backend instead of "
                + backend.getClass().getSimpleName()
                + " as the latter does not provide shared memory semantics.");
      }
      name =
          registry.has(BackendRegistry.THREADING)
              ? BackendRegistry.THREADING
              : BackendRegistry.SEQUENTIAL;
      backend = create(name, Map.of());
      // a hard constraint drops the context's n_jobs: the caller must ask for workers explicitly
      contextNJobs = 1;
    } else if (!explicitContextBackend && prefer == Prefer.PROCESSES && backend.usesThreads()) {
      if (registry.has(PROCESS_BACKEND) && registry.unavailableReason(PROCESS_BACKEND).isEmpty()) {
        name = PROCESS_BACKEND;
        backend = create(name, Map.of());
      } else if (warnedNoProcessBackend.compareAndSet(false, true)) {
        LOG.info(
            "prefer=processes: no process backend is installed (add org.joblib4j:backend-loky),"
                + " so Parallel keeps the '{}' backend.",
            name);
      }
    }

    if (explicit.backend() != null || explicit.backendName() != null) {
      if (explicit.backend() != null) {
        backend = explicit.backend();
        name = nameOf(backend);
      } else {
        name = usable(explicit.backendName());
        backend = create(name, explicit.backendParams());
      }
      if (require == Require.SHAREDMEM && !backend.supportsSharedMem()) {
        throw new IllegalArgumentException(
            "Backend " + backend.getClass().getSimpleName() + " does not support shared memory");
      }
    }

    Integer requested = given.isSet(Settings.N_JOBS) ? given.get(Settings.N_JOBS) : contextNJobs;
    int nJobs = requested != null ? requested : backend.defaultNJobs();
    ReturnAs returnAs = values.get(Settings.RETURN_AS);
    if (returnAs != ReturnAs.LIST
        && !backend.supportsReturnGenerator()
        && !(backend instanceof SequentialBackend)) {
      throw new IllegalArgumentException(
          "Backend "
              + backend.getClass().getSimpleName()
              + " does not support returnAs="
              + returnAs.joblibName());
    }
    String maxNbytes = values.get(Settings.MAX_NBYTES);
    return new ResolvedParallel(
        backend,
        name,
        nJobs,
        level,
        values,
        maxNbytes == null ? null : ByteSizes.parse(maxNbytes),
        values.get(Settings.CPU_BUDGET) ? CpuBudget.jvm() : null);
  }

  /**
   * Creates a named backend with its configured parameters under the given ones.
   *
   * @param name the name
   * @param params the parameters given in code
   * @return the backend
   */
  public ParallelBackend create(String name, Map<String, Object> params) {
    if (!registry.has(name)) {
      throw registry.unknown(name);
    }
    name = usable(name);
    Map<String, Object> merged = new TreeMap<>(config.backendParameters(name));
    merged.putAll(params);
    return registry.create(name, new BackendContext(name, merged));
  }

  /**
   * joblib's {@code MAYBE_AVAILABLE_BACKENDS} rule: a backend that cannot run in this JVM is
   * replaced by the default backend, with joblib's warning (once per name, as joblib's alias in
   * {@code BACKENDS} does) and the reason.
   */
  private String usable(String name) {
    if (!registry.has(name)) {
      return name;
    }
    Optional<String> reason = registry.unavailableReason(name);
    if (reason.isEmpty()) {
      return name;
    }
    String fallback = registry.defaultName();
    if (fallback.equals(name) || registry.unavailableReason(fallback).isPresent()) {
      fallback =
          registry.has(BackendRegistry.THREADING)
              ? BackendRegistry.THREADING
              : BackendRegistry.SEQUENTIAL;
    }
    if (warnedUnavailable.add(name)) {
      WARNINGS.warn(
          "joblib backend '{}' is not available on your system, falling back to {}. (Worker JVMs cannot be started: {}.)",
          name,
          fallback,
          reason.get());
    }
    return fallback;
  }

  private String nameOf(ParallelBackend backend) {
    return backend instanceof SequentialBackend
        ? BackendRegistry.SEQUENTIAL
        : backend.getClass().getSimpleName();
  }
}
