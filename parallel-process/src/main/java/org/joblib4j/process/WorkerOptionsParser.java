package org.joblib4j.process;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.ConfigKeys;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Task;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.CallSettings;

/**
 * Reads the worker options every process backend shares from its parameters ({@code
 * joblib4j.backend.<name>.<key>} or code): {@code worker-jvm-options}, {@code worker-heap}, {@code
 * idle-worker-timeout}, {@code max-tasks-per-worker}, {@code memory-leak-threshold}, {@code
 * max-in-flight}, {@code initializer}, {@code worker-start-timeout}. Older or other backends' names
 * are read too ({@link #aliases}): {@code jvm-args}, {@code worker-idle-timeout}.
 */
public final class WorkerOptionsParser {
  /** The keys this parser reads. */
  public static final List<String> KEYS =
      List.of(
          "worker-jvm-options",
          "worker-heap",
          "idle-worker-timeout",
          "max-tasks-per-worker",
          "memory-leak-threshold",
          "max-in-flight",
          "initializer",
          "worker-start-timeout");

  /**
   * The old names of worker options, one spelling for every backend that starts worker JVMs: loky
   * and multiprocessing said {@code jvm-args} where dask and ray say {@code worker-jvm-options},
   * and dask said {@code worker-idle-timeout} where loky (as joblib) says {@code
   * idle-worker-timeout}.
   */
  public static final Map<String, String> ALIASES =
      Map.of("jvm-args", "worker-jvm-options", "worker-idle-timeout", "idle-worker-timeout");

  private static final List<String> MAX_TASKS_KEYS =
      List.of("max-tasks-per-worker", "max-tasks-per-child");

  private WorkerOptionsParser() {}

  /**
   * The aliases of a process backend: {@link #ALIASES}, and the other spelling of its task limit
   * (loky's {@code max-tasks-per-worker}, multiprocessing's {@code max-tasks-per-child}).
   *
   * @param maxTasksKey the backend's own key of the task limit
   * @return old or other name to the backend's name
   */
  public static Map<String, String> aliases(String maxTasksKey) {
    Map<String, String> aliases = new HashMap<>(ALIASES);
    for (String other : MAX_TASKS_KEYS) {
      if (!other.equals(maxTasksKey)) {
        aliases.put(other, maxTasksKey);
      }
    }
    return Map.copyOf(aliases);
  }

  /**
   * Parses the options.
   *
   * @param context the backend's parameters, its {@link #aliases} applied (unknown keys must
   *     already be rejected)
   * @param maxTasksKey the key of the task limit ({@code max-tasks-per-worker}, or joblib's
   *     multiprocessing spelling {@code max-tasks-per-child})
   * @param defaultIdle the idle timeout when none is given
   * @param environment variables every worker of this backend gets
   * @return the options, without a thread limit (set per call)
   */
  public static WorkerOptions parse(
      BackendContext context,
      String maxTasksKey,
      Duration defaultIdle,
      Map<String, String> environment) {
    String name = context.backendName();
    long leak = context.getSize("memory-leak-threshold", 300L * 1024 * 1024, 0);
    byte[] initializer = null;
    Object init = context.get("initializer");
    if (init != null) {
      if (!(init instanceof Task)) {
        throw new ParallelConfigurationException(
            "The "
                + name
                + " option 'initializer' must be a org.joblib4j.Task, got "
                + init.getClass().getName()
                + " (it can only be given in code: backend(\""
                + name
                + "\", Map.of(\"initializer\", task))).");
      }
      try {
        initializer = new JavaTaskSerializer().serialize(init);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "The " + name + " initializer cannot be serialized: " + e, e);
      }
    }
    int maxInFlight = context.getInt("max-in-flight", 2);
    if (maxInFlight < 1) {
      throw context.invalidValue("max-in-flight", "a positive integer");
    }
    long maxTasks = context.getLong(maxTasksKey, 0);
    if (maxTasks < 0) {
      throw context.invalidValue(maxTasksKey, "an integer >= 0 (0: never)");
    }
    Duration startTimeout =
        context.getDuration("worker-start-timeout", WorkerOptions.DEFAULT_START_TIMEOUT);
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw context.invalidValue("worker-start-timeout", "a positive duration such as 60s");
    }
    return new WorkerOptions(
        context.getWords("worker-jvm-options", List.of()),
        context.getString("worker-heap", null),
        null,
        false,
        environment,
        context.getDuration("idle-worker-timeout", defaultIdle),
        maxTasks,
        leak,
        maxInFlight,
        initializer,
        startTimeout);
  }

  /**
   * The options of one call's workers: its thread limit (an explicit {@code innerMaxNumThreads},
   * else {@link CallSettings#cpusPerWorker}), and with the shared CPU budget on, the budget in the
   * workers too, so a call made inside one of their tasks stays within the worker's share.
   *
   * @param base the parsed options
   * @param settings the call's settings
   * @param workers the call's workers
   * @param explicitLimit whether the backend honours {@code innerMaxNumThreads}
   * @return the options
   */
  public static WorkerOptions forCall(
      WorkerOptions base, CallSettings settings, int workers, boolean explicitLimit) {
    boolean explicit = explicitLimit && settings.innerMaxNumThreads() != null;
    Map<String, String> environment = base.environment();
    if (settings.cpuShare() != null) {
      Map<String, String> withBudget = new HashMap<>(environment);
      withBudget.put(ConfigKeys.envName(ConfigKeys.CPU_BUDGET), "shared");
      environment = Map.copyOf(withBudget);
    }
    return new WorkerOptions(
        base.jvmArgs(),
        base.heap(),
        explicit ? settings.innerMaxNumThreads() : settings.cpusPerWorker(workers),
        explicit,
        environment,
        base.idleTimeout(),
        base.maxTasksPerWorker(),
        base.leakBytes(),
        base.maxInFlight(),
        base.initializer(),
        base.startTimeout());
  }
}
