package org.joblib4j.core.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that consume submitted and published calls, so the caller's thread does not wait:
 * daemon threads, created on demand and kept 30 s idle, one per call being consumed.
 */
final class CallThreads {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final ExecutorService POOL =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "joblib4j-call-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private CallThreads() {}

  static void execute(Runnable consumer) {
    POOL.execute(consumer);
  }
}
