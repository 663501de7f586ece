package org.joblib4j.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.internal.NestedScopes;
import org.joblib4j.internal.TaskWatchdog;

/**
 * A batch of consecutive tasks: joblib's {@code BatchedCalls}. Calling it runs the tasks in order,
 * inside the nested backend's configuration, so a {@code Parallel} created by a task uses the
 * nested backend. A plain value: a backend that sends batches to other JVMs writes them with the
 * worker-JVM toolkit's codecs ({@code parallel-process}), which keep the wire format out of this
 * API.
 */
public final class Batch {

  private final long firstIndex;
  private final List<Task<?>> tasks;
  private final NestedBackend nested;
  private final Options options;

  /** The run time of each task run here, in order (set by {@link #call}). */
  private volatile long[] taskNanos;

  /** The thread that ran the batch here (set by {@link #call}). */
  private volatile String ranOn;

  /**
   * How a batch runs its tasks, beyond the nested backend.
   *
   * @param context the caller's context to restore around each task, or {@code null}
   * @param collect whether a failing task becomes a {@link TaskFailure} result instead of stopping
   *     the batch ({@code ErrorPolicy.COLLECT})
   * @param taskTimeoutNanos each task's time limit from its start, 0 for none
   * @param timed whether each task's run time is recorded ({@link Batch#taskNanos()}): only a
   *     {@code ProgressListener} reads it, and two clock reads per task are a no-op task's largest
   *     cost
   */
  public record Options(
      TaskContext context, boolean collect, long taskTimeoutNanos, boolean timed) {
    /** Nothing beyond joblib's defaults. */
    public static final Options DEFAULT = new Options(null, false, 0);

    /**
     * Options whose tasks' run times are not recorded.
     *
     * @param context the caller's context to restore around each task, or {@code null}
     * @param collect whether failing tasks are collected
     * @param taskTimeoutNanos each task's time limit from its start, 0 for none
     */
    public Options(TaskContext context, boolean collect, long taskTimeoutNanos) {
      this(context, collect, taskTimeoutNanos, false);
    }

    /**
     * The options with these values: {@link #DEFAULT} when they are joblib's defaults.
     *
     * @param context the caller's context to restore around each task, or {@code null}
     * @param collect whether failing tasks are collected
     * @param taskTimeoutNanos each task's time limit from its start, 0 for none
     * @return the options
     */
    public static Options of(TaskContext context, boolean collect, long taskTimeoutNanos) {
      return context == null && !collect && taskTimeoutNanos == 0
          ? DEFAULT
          : new Options(context, collect, taskTimeoutNanos);
    }
  }

  /**
   * Creates a batch.
   *
   * @param firstIndex the index of the first task in the whole input
   * @param tasks the tasks, in input order
   * @param nested the backend that calls made inside the tasks use, or {@code null} to leave the
   *     running thread's configuration unchanged
   */
  public Batch(long firstIndex, List<? extends Task<?>> tasks, NestedBackend nested) {
    this(firstIndex, tasks, nested, Options.DEFAULT);
  }

  /**
   * Creates a batch with options.
   *
   * @param firstIndex the index of the first task in the whole input
   * @param tasks the tasks, in input order
   * @param nested the backend that calls made inside the tasks use, or {@code null}
   * @param options context, error collection and task timeout
   */
  public Batch(
      long firstIndex, List<? extends Task<?>> tasks, NestedBackend nested, Options options) {
    this.firstIndex = firstIndex;
    this.tasks = Collections.unmodifiableList(new ArrayList<>(tasks));
    this.nested = nested;
    this.options = options == null ? Options.DEFAULT : options;
  }

  /**
   * Returns how the batch runs its tasks.
   *
   * @return the options
   */
  public Options options() {
    return options;
  }

  /**
   * Returns the index of the first task in the whole input.
   *
   * @return the index
   */
  public long firstIndex() {
    return firstIndex;
  }

  /**
   * Returns the tasks.
   *
   * @return the tasks, in input order
   */
  public List<Task<?>> tasks() {
    return tasks;
  }

  /**
   * Returns the number of tasks.
   *
   * @return the size
   */
  public int size() {
    return tasks.size();
  }

  /**
   * Returns the nested backend.
   *
   * @return the nested backend, or {@code null}
   */
  public NestedBackend nested() {
    return nested;
  }

  /**
   * Runs the tasks in order in the current thread.
   *
   * @return one result per task
   * @throws BatchTaskException when a task fails (the rest of the batch is not run)
   */
  public List<Object> call() throws BatchTaskException {
    return call(() -> false);
  }

  /**
   * Runs the tasks in order in the current thread, stopping before the next task once the batch is
   * cancelled or the thread interrupted (an aborted call must not run a big batch to its end).
   *
   * @param cancelled says whether the batch was cancelled
   * @return one result per task
   * @throws BatchTaskException when a task fails, or with a {@link
   *     java.util.concurrent.CancellationException} cause when the batch was stopped
   */
  public List<Object> call(java.util.function.BooleanSupplier cancelled) throws BatchTaskException {
    return call(cancelled, StuckTaskHandler.WAIT);
  }

  /**
   * Runs the tasks in order in the current thread (see {@link
   * #call(java.util.function.BooleanSupplier)}), enforcing the task timeout: a task past its limit
   * is interrupted, and one that ignores the interrupt is handed to {@code stuck} after a grace
   * period.
   *
   * @param cancelled says whether the batch was cancelled
   * @param stuck what to do with a task that ignores its timeout
   * @return one result per task ({@link TaskFailure} for a failed one when collecting)
   * @throws BatchTaskException when a task fails and failures are not collected
   */
  @SuppressWarnings("try") // the nested scope is held open, never read
  public List<Object> call(java.util.function.BooleanSupplier cancelled, StuckTaskHandler stuck)
      throws BatchTaskException {
    List<Object> results = new ArrayList<>(tasks.size());
    boolean timed = options.timed();
    long[] nanos = timed ? new long[tasks.size()] : null;
    ranOn = Thread.currentThread().getName();
    taskNanos = nanos;
    try (ParallelConfig.Scope ignored = nested == null ? null : NestedScopes.enter(nested);
        TaskContext.BatchScope context = TaskContext.forBatch(options.context())) {
      for (int i = 0; i < tasks.size(); i++) {
        long index = firstIndex + i;
        if (i > 0 && (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted())) {
          throw new BatchTaskException(
              index, new java.util.concurrent.CancellationException("the batch was cancelled"));
        }
        Object result = null;
        Throwable failure = null;
        TaskWatchdog watchdog =
            options.taskTimeoutNanos() > 0
                ? TaskWatchdog.start(index, options.taskTimeoutNanos(), stuck)
                : null;
        context.beforeTask();
        long start = timed ? System.nanoTime() : 0;
        try {
          result = tasks.get(i).call();
        } catch (Throwable t) {
          failure = t;
        } finally {
          if (timed) {
            nanos[i] = System.nanoTime() - start;
          }
          // per task, not per batch: what one task puts in its MDC must not reach the next one
          context.afterTask();
          if (watchdog != null && watchdog.stop()) {
            failure = watchdog.timeout();
          }
        }
        if (failure == null) {
          results.add(result);
        } else if (options.collect()) {
          results.add(TaskFailure.of(index, failure));
        } else {
          throw new BatchTaskException(index, failure);
        }
      }
    }
    return results;
  }

  /**
   * How long each task ran, where this batch ran in this JVM (a backend of threads).
   *
   * @return one run time per task, in nanoseconds (0 for those not reached), or {@code null} if
   *     this instance was not run (its tasks ran elsewhere, from a copy) or its options do not
   *     record run times ({@link Options#timed()})
   */
  public long[] taskNanos() {
    long[] n = taskNanos;
    return n == null ? null : n.clone();
  }

  /**
   * The thread that ran this batch, where it ran in this JVM.
   *
   * @return its name, or {@code null} if this instance was not run
   */
  public String ranOn() {
    return ranOn;
  }

  /**
   * Runs the tasks like {@link #call()}, for use in a {@code Supplier}: a failure is thrown as a
   * {@link CompletionException} whose cause is the {@link BatchTaskException}.
   *
   * @return one result per task
   */
  public List<Object> callUnchecked() {
    try {
      return call();
    } catch (BatchTaskException e) {
      throw new CompletionException(e);
    }
  }

  @Override
  public String toString() {
    return "Batch[tasks " + firstIndex + ".." + (firstIndex + tasks.size() - 1) + "]";
  }
}
