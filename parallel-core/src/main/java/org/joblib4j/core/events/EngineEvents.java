package org.joblib4j.core.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.core.jfr.JfrEvents;
import org.joblib4j.observation.ObservedBatch;
import org.joblib4j.observation.ObservedCall;
import org.joblib4j.observation.ObservedCallEnd;
import org.joblib4j.observation.Observers;
import org.joblib4j.spi.TaskFailure;

/**
 * The one place the engine reports what happens (calls, batches; worker pools report their worker
 * JVMs and cluster backends their connections through parallel-process's {@code WorkerEvents} and
 * {@code ClusterEvents}): to JFR ({@link JfrEvents}) and to the registered {@link
 * org.joblib4j.observation.ParallelObserver}s. With no recording and no observer, each report costs
 * two checks.
 */
public final class EngineEvents {
  private static final AtomicLong CALL_IDS = new AtomicLong();

  private EngineEvents() {}

  /** A call in progress. */
  public static final class Call {
    private final JfrEvents.Call recorded;
    private final ObservedCall observed;
    private final String backend;
    private final long startNanos = System.nanoTime();

    private Call(JfrEvents.Call recorded, ObservedCall observed, String backend) {
      this.recorded = recorded;
      this.observed = observed;
      this.backend = backend;
    }

    /**
     * A batch of this call is handed to the backend.
     *
     * @param firstTask the index of its first task
     * @param tasks its size
     * @return the batch, to end
     */
    public Batch batch(long firstTask, int tasks) {
      JfrEvents.Batch b = JfrEvents.batch(backend, firstTask, tasks);
      if (observed == null && !JfrEvents.isRecorded(b)) {
        // the usual case, per batch: nothing records, nothing observes
        return Batch.NONE;
      }
      if (observed != null) {
        Observers.notify(o -> o.batchDispatched(observed, firstTask, tasks));
      }
      return new Batch(this, b, firstTask, tasks);
    }

    /**
     * Ends the call.
     *
     * @param completedTasks the tasks that completed
     * @param failure why it failed, or {@code null}
     */
    public void end(long completedTasks, Throwable failure) {
      recorded.end(completedTasks, failure);
      if (observed != null) {
        ObservedCallEnd end =
            new ObservedCallEnd(
                observed,
                completedTasks,
                Duration.ofNanos(System.nanoTime() - startNanos),
                failure);
        Observers.notify(o -> o.callFinished(end));
      }
    }
  }

  /** A batch in flight. */
  public static final class Batch {
    private final Call call;
    private final JfrEvents.Batch recorded;
    private final long firstTask;
    private final int tasks;
    private final long startNanos;

    /** The batch of a call that nothing records or observes: ending it does nothing. */
    static final Batch NONE = new Batch(null, null, 0, 0);

    private Batch(Call call, JfrEvents.Batch recorded, long firstTask, int tasks) {
      this.call = call;
      this.recorded = recorded;
      this.firstTask = firstTask;
      this.tasks = tasks;
      this.startNanos = call == null ? 0 : System.nanoTime();
    }

    /**
     * Ends the batch.
     *
     * @param bytesSent its size as sent, 0 if it stayed in this JVM
     * @param bytesReceived its results' size as received, 0 if they did
     * @param results its results (with {@code COLLECT}, failures among them), or {@code null}
     * @param failure why it failed, or {@code null}
     * @param stopped whether the call had already failed: a failure is then its being stopped, and
     *     no task of it counts as failed
     */
    public void end(
        long bytesSent,
        long bytesReceived,
        List<Object> results,
        Throwable failure,
        boolean stopped) {
      if (call == null) {
        return;
      }
      recorded.end(bytesSent, bytesReceived, failure);
      if (call.observed != null) {
        int failed = failure == null ? failedIn(results) : stopped ? 0 : 1;
        ObservedBatch b =
            new ObservedBatch(
                call.observed,
                firstTask,
                tasks,
                failed,
                Duration.ofNanos(System.nanoTime() - startNanos),
                bytesSent,
                bytesReceived,
                failure);
        Observers.notify(failure == null ? o -> o.batchCompleted(b) : o -> o.batchFailed(b));
      }
    }

    private static int failedIn(List<Object> results) {
      int n = 0;
      if (results != null) {
        for (Object r : results) {
          if (r instanceof TaskFailure) {
            n++;
          }
        }
      }
      return n;
    }
  }

  /**
   * Begins a call.
   *
   * @param backend the backend's name
   * @param workers its effective n_jobs
   * @param totalTasks the input's size, or -1
   * @return the call, to end
   */
  public static Call call(String backend, int workers, long totalTasks) {
    ObservedCall observed =
        Observers.any()
            ? new ObservedCall(CALL_IDS.incrementAndGet(), backend, workers, totalTasks)
            : null;
    Call c = new Call(JfrEvents.call(backend, workers), observed, backend);
    if (observed != null) {
      Observers.notify(o -> o.callStarted(observed));
    }
    return c;
  }
}
