package org.joblib4j.backend.loky;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.joblib4j.process.WorkerLauncher;
import org.joblib4j.process.WorkerOptions;
import org.joblib4j.process.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * loky's reusable executor: one worker pool per JVM, shared by every call on every thread. A call
 * with the same worker options reuses it (resized to its n_jobs); different options replace it, and
 * the replaced pool closes once the calls it serves have ended. A call leases the pool at its
 * start, so a kept-open {@code Parallel} never holds a pool another caller replaced or shut down.
 * {@link WorkerPool}'s shutdown hook kills the workers when the JVM exits.
 */
final class SharedPool {
  private static final Logger LOG = LoggerFactory.getLogger(SharedPool.class);
  private static WorkerPool pool;

  private SharedPool() {}

  /**
   * Returns the shared pool for these options, creating or replacing it as needed, with the call
   * registered on it: under this lock, so no other caller can replace it in between and close it
   * before the call has said it uses it.
   *
   * @param options the worker options
   * @param size the number of workers
   * @param call the call's token
   * @return the pool
   */
  static synchronized WorkerPool lease(WorkerOptions options, int size, Object call) {
    WorkerPool current = get(options, size);
    current.callStarted(call);
    return current;
  }

  private static WorkerPool get(WorkerOptions options, int size) {
    if (pool != null && !pool.isClosed() && sameOptions(pool.options(), options)) {
      if (pool.size() != size) {
        pool.resize(size);
      }
      return pool;
    }
    if (pool != null) {
      // as loky: the old workers finish what they run (other threads' calls), then go
      LOG.debug("Worker options changed: replacing the loky worker pool once its work is done");
      pool.closeWhenIdle();
    }
    try {
      pool = new WorkerPool(size, options, new WorkerLauncher());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the loky worker pool: " + e.getMessage(), e);
    }
    return pool;
  }

  /**
   * Whether a pool can serve new options. A derived thread limit ({@code cpuCount / nJobs}) does
   * not restart workers that also run on a derived one; an explicit limit on either side does.
   */
  private static boolean sameOptions(WorkerOptions a, WorkerOptions b) {
    boolean limitsMatter = a.threadLimitExplicit() || b.threadLimitExplicit();
    return a.jvmArgs().equals(b.jvmArgs())
        && java.util.Objects.equals(a.heap(), b.heap())
        && (!limitsMatter
            || (a.threadLimitExplicit() == b.threadLimitExplicit()
                && java.util.Objects.equals(a.threadLimit(), b.threadLimit())))
        && a.environment().equals(b.environment())
        && a.idleTimeout().equals(b.idleTimeout())
        && a.maxTasksPerWorker() == b.maxTasksPerWorker()
        && a.leakBytes() == b.leakBytes()
        && a.maxInFlight() == b.maxInFlight()
        && java.util.Arrays.equals(a.initializer(), b.initializer())
        && a.startTimeout().equals(b.startTimeout());
  }

  static synchronized void shutdown() {
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }

  static synchronized List<Long> pids() {
    return pool == null || pool.isClosed() ? List.of() : pool.pids();
  }
}
