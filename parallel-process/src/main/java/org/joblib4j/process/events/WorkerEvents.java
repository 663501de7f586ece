package org.joblib4j.process.events;

import java.time.Duration;
import org.joblib4j.observation.ObservedWorker;
import org.joblib4j.observation.ObservedWorkerBatch;
import org.joblib4j.observation.Observers;

/**
 * The one place a worker pool reports its worker JVMs: to Java Flight Recorder ({@code
 * org.joblib4j.WorkerStarted}, {@code WorkerBatch}, {@code WorkerExited}, category {@code
 * joblib4j}) and to the registered observers. JFR events are off unless a recording enables them; a
 * runtime without the {@code jdk.jfr} module (a jlink image) records none.
 */
public final class WorkerEvents {
  private static final boolean JFR = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  private WorkerEvents() {}

  /** Whether a recording could be running: JFR initializes with the first one in this JVM. */
  private static boolean recording() {
    return JFR && jdk.jfr.FlightRecorder.isInitialized();
  }

  /**
   * A worker JVM's handshake.
   *
   * @param pid its process id
   * @param launchNanos {@link System#nanoTime} at its launch
   */
  public static void workerStarted(long pid, long launchNanos) {
    long startup = System.nanoTime() - launchNanos;
    if (recording()) {
      WorkerStartedEvent e = new WorkerStartedEvent();
      if (e.shouldCommit()) {
        e.pid = pid;
        e.startup = startup;
        e.commit();
      }
    }
    if (Observers.any()) {
      ObservedWorker w = new ObservedWorker(pid, Duration.ofNanos(startup), null, 0);
      Observers.notify(o -> o.workerStarted(w));
    }
  }

  /**
   * A batch's answer read from a worker JVM.
   *
   * @param pid the worker that ran it
   * @param firstTask the index of its first task
   * @param tasks its size
   * @param submittedNanos {@link System#nanoTime} at its submission to the pool
   * @param sentNanos {@link System#nanoTime} when it was handed to the worker
   */
  public static void workerBatch(
      long pid, long firstTask, int tasks, long submittedNanos, long sentNanos) {
    long roundTrip = System.nanoTime() - sentNanos;
    if (recording()) {
      WorkerBatchEvent e = new WorkerBatchEvent();
      if (e.shouldCommit()) {
        e.pid = pid;
        e.firstTask = firstTask;
        e.tasks = tasks;
        e.queueWait = sentNanos - submittedNanos;
        e.roundTrip = roundTrip;
        e.commit();
      }
    }
    if (Observers.any()) {
      ObservedWorkerBatch b =
          new ObservedWorkerBatch(
              pid,
              firstTask,
              tasks,
              Duration.ofNanos(sentNanos - submittedNanos),
              Duration.ofNanos(roundTrip));
      Observers.notify(o -> o.workerBatch(b));
    }
  }

  /**
   * A worker JVM ended.
   *
   * @param pid its process id
   * @param cause retired, killed, died, or failed to start
   * @param exitStatus its exit status
   */
  public static void workerExited(long pid, String cause, int exitStatus) {
    if (recording()) {
      WorkerExitedEvent e = new WorkerExitedEvent();
      if (e.shouldCommit()) {
        e.pid = pid;
        e.cause = cause;
        e.exitStatus = exitStatus;
        e.commit();
      }
    }
    if (Observers.any()) {
      ObservedWorker w = new ObservedWorker(pid, Duration.ZERO, cause, exitStatus);
      Observers.notify(o -> o.workerLost(w));
    }
  }
}
