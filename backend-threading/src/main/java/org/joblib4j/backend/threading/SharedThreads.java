package org.joblib4j.backend.threading;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide threads every threading backend borrows (as loky's executor is reused): a fresh
 * {@code Parallel} then costs a hand-off to an idle thread instead of starting and stopping threads
 * of its own. Unbounded, so a task's nested call never waits for threads its parent holds; each
 * backend bounds its own share ({@link Lanes}). Idle threads exit after {@link
 * ThreadingBackend#KEEP_ALIVE_SECONDS}, and all are daemons, so none is held forever.
 */
final class SharedThreads {
  /** The prefix of every thread's name. */
  static final String NAME_PREFIX = "joblib4j-threading-worker-";

  private static final AtomicInteger THREADS = new AtomicInteger();

  private static final ThreadFactory FACTORY =
      r -> {
        // nothing inherited from the caller that happens to start it: later callers share it
        Thread t = new Thread(null, r, NAME_PREFIX + THREADS.incrementAndGet(), 0, false);
        t.setDaemon(true);
        // not the creating caller's: each run sets its own caller's (Lanes)
        t.setContextClassLoader(null);
        return t;
      };

  private static final ThreadPoolExecutor POOL =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          ThreadingBackend.KEEP_ALIVE_SECONDS,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          FACTORY);

  private SharedThreads() {}

  /**
   * Runs {@code r} on an idle shared thread, or on a new one when none is idle.
   *
   * @param r what to run
   */
  static void execute(Runnable r) {
    POOL.execute(r);
  }
}
