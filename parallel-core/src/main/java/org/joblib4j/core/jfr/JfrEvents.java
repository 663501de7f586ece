package org.joblib4j.core.jfr;

/**
 * The engine's Java Flight Recorder events ({@code org.joblib4j.*}, category {@code joblib4j}):
 * calls and batches (worker JVMs and cluster connections are reported by parallel-process). Off
 * unless a recording enables them, as JFR events are: then each costs a check. A runtime without
 * the {@code jdk.jfr} module (a jlink image) records nothing.
 */
public final class JfrEvents {
  private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  private JfrEvents() {}

  /** Whether a recording could be running: JFR initializes with the first one in this JVM. */
  private static boolean recording() {
    return PRESENT && jdk.jfr.FlightRecorder.isInitialized();
  }

  /** A call in progress: {@link #end} commits it. */
  public static final class Call {
    private final CallEvent event;

    private Call(CallEvent event) {
      this.event = event;
    }

    /**
     * Ends the call.
     *
     * @param tasks the tasks it ran
     * @param failure why it failed, or {@code null}
     */
    public void end(long tasks, Throwable failure) {
      if (event != null) {
        event.end();
        if (event.shouldCommit()) {
          event.tasks = tasks;
          event.outcome = outcome(failure);
          event.commit();
        }
      }
    }
  }

  /** A batch in flight: {@link #end} commits it. */
  public static final class Batch {
    private final BatchEvent event;

    private Batch(BatchEvent event) {
      this.event = event;
    }

    /**
     * Ends the batch.
     *
     * @param bytesSent its size as sent, 0 if it stayed in this JVM
     * @param bytesReceived its results' size as received, 0 if they did
     * @param failure why it failed, or {@code null}
     */
    public void end(long bytesSent, long bytesReceived, Throwable failure) {
      if (event != null) {
        event.end();
        if (event.shouldCommit()) {
          event.bytesSent = bytesSent;
          event.bytesReceived = bytesReceived;
          event.outcome = outcome(failure);
          event.commit();
        }
      }
    }
  }

  private static final Call NO_CALL = new Call(null);
  private static final Batch NO_BATCH = new Batch(null);

  /**
   * Whether a batch's event is recorded.
   *
   * @param batch what {@link #batch} returned
   * @return false for the no-op event given while nothing records
   */
  public static boolean isRecorded(Batch batch) {
    return batch != NO_BATCH;
  }

  /**
   * Begins a call.
   *
   * @param backend the backend's name
   * @param workers its effective n_jobs
   * @return the call's event, to end
   */
  public static Call call(String backend, int workers) {
    if (!recording()) {
      return NO_CALL;
    }
    CallEvent e = new CallEvent();
    if (!e.isEnabled()) {
      return NO_CALL;
    }
    e.backend = backend;
    e.workers = workers;
    e.begin();
    return new Call(e);
  }

  /**
   * Begins a batch, at its dispatch.
   *
   * @param backend the backend's name
   * @param firstTask the index of its first task
   * @param tasks its size
   * @return the batch's event, to end
   */
  public static Batch batch(String backend, long firstTask, int tasks) {
    if (!recording()) {
      return NO_BATCH;
    }
    BatchEvent e = new BatchEvent();
    if (!e.isEnabled()) {
      return NO_BATCH;
    }
    e.backend = backend;
    e.firstTask = firstTask;
    e.tasks = tasks;
    e.begin();
    return new Batch(e);
  }

  private static String outcome(Throwable failure) {
    if (failure == null) {
      return "success";
    }
    if (failure instanceof org.joblib4j.spi.BatchTaskException && failure.getCause() != null) {
      // the task's own exception, not the engine's wrapper that carries its index
      failure = failure.getCause();
    }
    String message = failure.getMessage();
    return failure.getClass().getName() + (message == null ? "" : ": " + message);
  }
}
