package org.joblib4j.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How worker JVMs are started and when they retire. Two pools with equal options are
 * interchangeable (the reusable pool is keyed by them).
 *
 * @param jvmArgs extra JVM options, as given (for example {@code -XX:+UseSerialGC})
 * @param heap the {@code -Xmx} value of each worker (for example {@code 512m}), or {@code null}
 * @param threadLimit the worker's own parallelism cap ({@code -XX:ActiveProcessorCount}, the common
 *     pool, {@code OMP_NUM_THREADS}...), or {@code null}
 * @param threadLimitExplicit whether the cap was asked for ({@code innerMaxNumThreads}) rather than
 *     derived ({@code cpuCount / nJobs}): an explicit cap overrides the parent's own variables
 * @param environment variables added to each worker's environment
 * @param idleTimeout how long an idle worker waits before asking to exit
 * @param maxTasksPerWorker tasks after which a worker is replaced, 0 for never
 * @param leakBytes retained-heap growth after which a worker is replaced, 0 for never
 * @param maxInFlight batches sent ahead to one worker (pipelining)
 * @param initializer a serialized task each worker runs once before any batch, or {@code null}
 * @param startTimeout how long a started worker JVM may take to connect before it is killed
 */
public record WorkerOptions(
    List<String> jvmArgs,
    String heap,
    Integer threadLimit,
    boolean threadLimitExplicit,
    Map<String, String> environment,
    Duration idleTimeout,
    long maxTasksPerWorker,
    long leakBytes,
    int maxInFlight,
    byte[] initializer,
    Duration startTimeout) {

  /** The default {@link #startTimeout}. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Defaults: no extra options, 300 s idle timeout, 300 MB leak threshold, 2 batches in flight, 60
   * s to start.
   */
  public static final WorkerOptions DEFAULTS =
      new WorkerOptions(
          List.of(),
          null,
          null,
          false,
          Map.of(),
          Duration.ofSeconds(300),
          0,
          300L << 20,
          2,
          null,
          DEFAULT_START_TIMEOUT);
}
