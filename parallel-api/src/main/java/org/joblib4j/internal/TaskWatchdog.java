package org.joblib4j.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.joblib4j.TaskTimeoutException;
import org.joblib4j.spi.StuckTaskHandler;

/**
 * Enforces one task's {@code taskTimeout}: at the limit it interrupts the task's thread; if the
 * task is still running a grace period later, it hands it to the backend's {@link
 * StuckTaskHandler}. Its timer thread starts with the first call that sets a task timeout.
 */
public final class TaskWatchdog {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final long index;
  private final long limitNanos;
  private final Thread thread = Thread.currentThread();
  private final ScheduledFuture<?> interrupt;
  private ScheduledFuture<?> giveUp;
  private boolean fired;
  private boolean done;

  private TaskWatchdog(long index, long limitNanos, StuckTaskHandler stuck) {
    this.index = index;
    this.limitNanos = limitNanos;
    this.interrupt = TIMER.schedule(() -> fire(stuck), limitNanos, TimeUnit.NANOSECONDS);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "joblib4j-task-watchdog");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * Starts watching the task about to run on this thread.
   *
   * @param index the task's index
   * @param limitNanos its time limit
   * @param stuck what to do with it if it ignores the interrupt
   * @return the watchdog, to stop when the task ends
   */
  public static TaskWatchdog start(long index, long limitNanos, StuckTaskHandler stuck) {
    return new TaskWatchdog(index, limitNanos, stuck);
  }

  private synchronized void fire(StuckTaskHandler stuck) {
    if (done) {
      return;
    }
    fired = true;
    thread.interrupt();
    long grace =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(200), Math.min(limitNanos, TimeUnit.SECONDS.toNanos(1)));
    giveUp =
        TIMER.schedule(
            () -> {
              synchronized (this) {
                if (done) {
                  return;
                }
              }
              stuck.stuck(index, timeout());
            },
            grace,
            TimeUnit.NANOSECONDS);
  }

  /**
   * Stops watching.
   *
   * @return true when the task overran its limit (its interrupt is then cleared)
   */
  public synchronized boolean stop() {
    done = true;
    interrupt.cancel(false);
    if (giveUp != null) {
      giveUp.cancel(false);
    }
    if (fired) {
      Thread.interrupted();
    }
    return fired;
  }

  /**
   * The task's timeout.
   *
   * @return the exception that is its outcome
   */
  public TaskTimeoutException timeout() {
    return new TaskTimeoutException(index, Duration.ofNanos(limitNanos));
  }
}
