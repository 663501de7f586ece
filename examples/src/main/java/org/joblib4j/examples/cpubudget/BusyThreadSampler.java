package org.joblib4j.examples.cpubudget;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples, every millisecond, how many of the workload's threads are runnable (running on a CPU or
 * waiting in the run queue for one): more of them than CPUs is oversubscription.
 */
final class BusyThreadSampler implements AutoCloseable {
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final String mainThread = Thread.currentThread().getName();
  private final Thread sampler;
  private volatile boolean stopped;
  private int peak;
  private long sum;
  private long samples;

  /** What the sampling saw. */
  record Sample(int peakRunnable, double meanRunnable) {}

  /** Starts sampling on a daemon thread. */
  BusyThreadSampler() {
    sampler = new Thread(this::sample, "busy-thread-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    while (!stopped) {
      int runnable = 0;
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadState() == Thread.State.RUNNABLE && ours(info)) {
          runnable++;
        }
      }
      synchronized (this) {
        peak = Math.max(peak, runnable);
        sum += runnable;
        samples++;
      }
      LockSupport.parkNanos(PERIOD_NANOS);
    }
  }

  /** The workload's threads: joblib4j's pool threads and the caller's. */
  private boolean ours(ThreadInfo info) {
    return info.getThreadName().startsWith("joblib4j-") || info.getThreadName().equals(mainThread);
  }

  /**
   * Stops sampling.
   *
   * @return what it saw
   */
  Sample stop() {
    stopped = true;
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      return new Sample(peak, samples == 0 ? 0 : (double) sum / samples);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
