package org.joblib4j.internal;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.joblib4j.ParallelConfig;
import org.joblib4j.RetryPolicy;
import org.joblib4j.Task;
import org.joblib4j.spi.BackendFactory;

/**
 * The bridge from the thin API to the engine, found with {@link java.util.ServiceLoader}. It has
 * exactly one implementation, in {@code parallel-core}; backend authors never implement it.
 */
public interface ParallelEngine {

  /**
   * Resolves a {@code Parallel}'s settings (builder, scopes, configuration, defaults) and returns
   * what runs its calls.
   *
   * @param settings the builder's explicit settings
   * @return the execution
   */
  ParallelExecution create(ParallelSettings settings);

  /**
   * Validates a scope before it is opened (unknown backend names, backend parameters): joblib
   * builds the backend when the config is created.
   *
   * @param scope the scope's own settings
   * @param enclosing the settings in force around it
   */
  void checkScope(ParallelConfig scope, ParallelConfig enclosing);

  /**
   * Registers a backend at run time.
   *
   * @param name the name
   * @param factory the factory
   * @param makeDefault whether it becomes the default backend
   */
  void register(String name, BackendFactory factory, boolean makeDefault);

  /**
   * Removes a run-time registration.
   *
   * @param name the name
   * @return whether it was registered
   */
  boolean unregister(String name);

  /**
   * Returns the installed backend names.
   *
   * @return the sorted names
   */
  List<String> available();

  /**
   * Returns the default backend's name.
   *
   * @return the name
   */
  String defaultBackend();

  /**
   * joblib's {@code effective_n_jobs}.
   *
   * @param nJobs the requested value, or {@code null} for the configured one
   * @return the number of workers a call would use
   */
  int effectiveNJobs(Integer nJobs);

  /**
   * joblib's {@code cpu_count()}.
   *
   * @return the usable CPUs
   */
  int cpuCount();

  /**
   * joblib's {@code cpu_count(only_physical_cores=True)}.
   *
   * @return the user's CPU restriction if any, else the physical cores
   */
  int physicalCpuCount();

  /**
   * A call's input with every task recording its result in a checkpoint folder ({@code
   * Parallel.Builder.checkpoint}).
   *
   * @param tasks the input, read lazily
   * @param folder the checkpoint folder
   * @return the wrapped input
   */
  Iterator<? extends Task<?>> checkpointed(Iterator<? extends Task<?>> tasks, Path folder);

  /**
   * A call's input with every task run again on the failures a policy names ({@code
   * Parallel.Builder.retry}).
   *
   * @param tasks the input, read lazily
   * @param policy the policy
   * @return the wrapped input
   */
  Iterator<? extends Task<?>> retried(Iterator<? extends Task<?>> tasks, RetryPolicy policy);
}
