package org.joblib4j.core;

import com.google.auto.service.AutoService;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.joblib4j.ParallelConfig;
import org.joblib4j.RetryPolicy;
import org.joblib4j.Task;
import org.joblib4j.core.checkpoint.Checkpoints;
import org.joblib4j.core.config.GlobalSettings;
import org.joblib4j.core.engine.Execution;
import org.joblib4j.core.engine.ResolvedParallel;
import org.joblib4j.core.engine.SettingsResolver;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.core.retry.RetriedInput;
import org.joblib4j.internal.ParallelEngine;
import org.joblib4j.internal.ParallelExecution;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.support.ConfigSource;
import org.joblib4j.spi.support.LayeredConfigSource;

/** The engine behind {@code Parallel}, found by the API with {@link java.util.ServiceLoader}. */
@AutoService(ParallelEngine.class)
public final class DefaultEngine implements ParallelEngine {
  private final BackendRegistry registry;
  private final ConfigSource config;
  private final SettingsResolver resolver;

  /** Loads the backends and the configuration visible to this class's loader. */
  public DefaultEngine() {
    this(classLoader());
  }

  private DefaultEngine(ClassLoader loader) {
    this(BackendRegistry.load(loader), LayeredConfigSource.system(loader));
  }

  /**
   * Creates an engine over given backends and configuration (for tests).
   *
   * @param registry the backends
   * @param config the configuration
   */
  public DefaultEngine(BackendRegistry registry, ConfigSource config) {
    this.registry = registry;
    this.config = config;
    this.resolver = new SettingsResolver(registry, config);
  }

  private static ClassLoader classLoader() {
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    return tccl != null ? tccl : DefaultEngine.class.getClassLoader();
  }

  @Override
  public ParallelExecution create(ParallelSettings settings) {
    return new Execution(resolver.resolve(settings, ParallelConfig.current()));
  }

  @Override
  public void checkScope(ParallelConfig scope, ParallelConfig enclosing) {
    if (!scope.backendSet()) {
      return;
    }
    ParallelBackend backend =
        scope.backend() != null
            ? scope.backend()
            : resolver.create(scope.backendName(), scope.backendParams());
    if (scope.innerMaxNumThreads() != null && !backend.supportsInnerMaxNumThreads()) {
      throw new IllegalArgumentException(
          backend.getClass().getSimpleName()
              + " does not accept setting the innerMaxNumThreads argument.");
    }
  }

  @Override
  public void register(String name, BackendFactory factory, boolean makeDefault) {
    registry.register(name, factory, makeDefault);
  }

  @Override
  public boolean unregister(String name) {
    return registry.unregister(name);
  }

  @Override
  public List<String> available() {
    return registry.available();
  }

  @Override
  public String defaultBackend() {
    return registry.defaultName();
  }

  @Override
  public int effectiveNJobs(Integer nJobs) {
    if (nJobs != null && nJobs == 1) {
      return 1;
    }
    ResolvedParallel active = resolver.resolve(ParallelSettings.NONE, ParallelConfig.current());
    return active.backend().effectiveNJobs(nJobs != null ? nJobs : active.nJobs());
  }

  @Override
  public int cpuCount() {
    return CpuCount.get(GlobalSettings.maxCpuCount(config));
  }

  @Override
  public Iterator<? extends Task<?>> checkpointed(Iterator<? extends Task<?>> tasks, Path folder) {
    return Checkpoints.wrap(tasks, folder);
  }

  @Override
  public Iterator<? extends Task<?>> retried(
      Iterator<? extends Task<?>> tasks, RetryPolicy policy) {
    return new RetriedInput(tasks, policy);
  }

  @Override
  public int physicalCpuCount() {
    return CpuCount.physical(GlobalSettings.maxCpuCount(config));
  }
}
