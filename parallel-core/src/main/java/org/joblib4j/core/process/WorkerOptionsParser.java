package org.joblib4j.core.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Task;
import org.joblib4j.core.config.ByteSizes;
import org.joblib4j.spi.BackendContext;

/**
 * Reads the worker options every process backend shares from its parameters ({@code
 * joblib4j.backend.<name>.<key>} or code): {@code jvm-args}, {@code worker-heap}, {@code
 * idle-worker-timeout}, {@code max-tasks-per-worker}, {@code memory-leak-threshold}, {@code
 * max-in-flight}, {@code initializer}, {@code worker-start-timeout}.
 */
public final class WorkerOptionsParser {
  /** The keys this parser reads. */
  public static final List<String> KEYS =
      List.of(
          "jvm-args",
          "worker-heap",
          "idle-worker-timeout",
          "max-tasks-per-worker",
          "memory-leak-threshold",
          "max-in-flight",
          "initializer",
          "worker-start-timeout");

  private WorkerOptionsParser() {}

  /**
   * Parses the options.
   *
   * @param context the backend's parameters (unknown keys must already be rejected)
   * @param maxTasksKey the key of the task limit ({@code max-tasks-per-worker}, or joblib's
   *     multiprocessing spelling {@code max-tasks-per-child})
   * @param defaultIdle the idle timeout when none is given
   * @param environment variables every worker of this backend gets
   * @return the options, without a thread limit (set per call)
   */
  public static WorkerOptions parse(
      BackendContext context, String maxTasksKey, Duration defaultIdle, Map<String, String> environment) {
    String name = context.backendName();
    String jvmArgs = context.string("jvm-args", "").trim();
    long leak;
    try {
      Long parsed = ByteSizes.parse(context.string("memory-leak-threshold", "300M"));
      leak = parsed == null ? 0 : parsed;
    } catch (IllegalArgumentException e) {
      throw new ParallelConfigurationException(
          "Invalid value '" + context.get("memory-leak-threshold") + "' for joblib4j.backend." + name
              + ".memory-leak-threshold: must be a size such as 300M, or none.");
    }
    byte[] initializer = null;
    Object init = context.get("initializer");
    if (init != null) {
      if (!(init instanceof Task)) {
        throw new ParallelConfigurationException(
            "The " + name + " option 'initializer' must be a org.joblib4j.Task, got " + init.getClass().getName()
                + " (it can only be given in code: backend(\"" + name + "\", Map.of(\"initializer\", task))).");
      }
      try {
        initializer = new JavaTaskSerializer().serialize(init);
      } catch (IOException e) {
        throw new IllegalArgumentException("The " + name + " initializer cannot be serialized: " + e, e);
      }
    }
    int maxInFlight = context.integer("max-in-flight", 2);
    long maxTasks = context.integer(maxTasksKey, 0);
    if (maxInFlight < 1 || maxTasks < 0) {
      throw new ParallelConfigurationException(
          "Invalid value '" + (maxInFlight < 1 ? maxInFlight : maxTasks) + "' for joblib4j.backend." + name + "."
              + (maxInFlight < 1 ? "max-in-flight: must be a positive integer." : maxTasksKey + ": must be >= 0."));
    }
    Duration startTimeout = context.duration("worker-start-timeout", WorkerOptions.DEFAULT_START_TIMEOUT);
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new ParallelConfigurationException(
          "Invalid value '" + context.get("worker-start-timeout") + "' for joblib4j.backend." + name
              + ".worker-start-timeout: must be a positive duration such as 60s.");
    }
    List<String> args = jvmArgs.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(jvmArgs.split("\\s+")));
    return new WorkerOptions(
        args,
        context.string("worker-heap", null),
        null,
        false,
        environment,
        context.duration("idle-worker-timeout", defaultIdle),
        maxTasks,
        leak,
        maxInFlight,
        initializer,
        startTimeout);
  }

  /**
   * The same options with a per-call thread limit.
   *
   * @param base the parsed options
   * @param threadLimit the limit
   * @param explicit whether it was asked for ({@code innerMaxNumThreads}) rather than derived
   * @return the options
   */
  public static WorkerOptions withThreadLimit(WorkerOptions base, int threadLimit, boolean explicit) {
    return new WorkerOptions(
        base.jvmArgs(),
        base.heap(),
        threadLimit,
        explicit,
        base.environment(),
        base.idleTimeout(),
        base.maxTasksPerWorker(),
        base.leakBytes(),
        base.maxInFlight(),
        base.initializer(),
        base.startTimeout());
  }
}
