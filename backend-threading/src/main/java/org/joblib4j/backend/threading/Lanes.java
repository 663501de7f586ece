package org.joblib4j.backend.threading;

import java.util.ArrayDeque;

/**
 * One backend's share of {@link SharedThreads}: at most {@code limit} of its runnables run at once,
 * in submission order, each lane a loop on a borrowed thread that gives the thread back as soon as
 * nothing is queued. A lane that submits work from inside its own run (a completion that dispatches
 * the next batch) picks it up itself, without a hand-off.
 */
final class Lanes {
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private final Runnable lane = this::runLane;
  private int active;
  private int limit;

  /**
   * The caller's context class loader, set on a borrowed thread while it runs this backend's work.
   */
  private volatile ClassLoader loader;

  /**
   * Sets how many runnables may run at once and the context class loader they run with.
   *
   * @param n the limit, at least 1
   * @param contextLoader the caller's context class loader
   */
  void configure(int n, ClassLoader contextLoader) {
    loader = contextLoader;
    int start;
    synchronized (this) {
      limit = n;
      start = lanesToStartLocked();
    }
    startLanes(start);
  }

  /**
   * Lets one more runnable run at once, or one less.
   *
   * @param delta +1 or -1
   */
  void resize(int delta) {
    int start;
    synchronized (this) {
      limit = Math.max(1, limit + delta);
      start = lanesToStartLocked();
    }
    startLanes(start);
  }

  /**
   * Queues {@code r}; it runs on a borrowed thread once fewer than the limit run.
   *
   * @param r what to run
   */
  void execute(Runnable r) {
    int start;
    synchronized (this) {
      queue.add(r);
      start = lanesToStartLocked();
    }
    startLanes(start);
  }

  /** Returns the limit. */
  synchronized int limit() {
    return limit;
  }

  private int lanesToStartLocked() {
    int start = Math.max(0, Math.min(limit - active, queue.size()));
    active += start;
    return start;
  }

  private void startLanes(int n) {
    for (int i = 0; i < n; i++) {
      try {
        SharedThreads.execute(lane);
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          active--;
        }
        throw e;
      }
    }
  }

  private void runLane() {
    Thread self = Thread.currentThread();
    ClassLoader own = self.getContextClassLoader();
    self.setContextClassLoader(loader);
    try {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = active > limit ? null : queue.poll();
          if (next == null) {
            active--;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          // this lane ends with its thread's exception: another one takes the queue
          int start;
          synchronized (this) {
            active--;
            start = lanesToStartLocked();
          }
          startLanes(start);
          throw e;
        }
      }
    } finally {
      self.setContextClassLoader(own);
    }
  }
}
