package org.joblib4j.core.engine;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import org.joblib4j.Task;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;

/**
 * joblib's {@code _get_sequential_output}: with one worker, tasks run lazily in the caller's
 * thread, reading the input one batch ahead at most, and a failure propagates at once (unless
 * failures are collected).
 */
final class SequentialSource implements ResultSource {
  private final Iterator<? extends Task<?>> input;
  private final int batchSize;
  private final ProgressReporter progress;
  private final String backendName;
  private final String parallel;
  private final Batch.Options options;
  private final Integer taskShare;
  private final ArrayDeque<Task<?>> buffer = new ArrayDeque<>();
  private long index;
  private boolean exhausted;
  private boolean aborted;

  SequentialSource(
      Iterator<? extends Task<?>> input,
      int batchSize,
      ProgressReporter progress,
      String backendName,
      String parallel,
      Batch.Options options,
      Integer taskShare) {
    this.input = input;
    this.batchSize = batchSize;
    this.progress = progress;
    this.backendName = backendName;
    this.parallel = parallel;
    this.options = options;
    this.taskShare = taskShare;
  }

  @Override
  @SuppressWarnings("try") // the task's CPU share is held open, never read
  public Chunk next() {
    if (aborted) {
      return null;
    }
    if (buffer.isEmpty() && !exhausted) {
      while (buffer.size() < batchSize && input.hasNext()) {
        Task<?> task = input.next();
        if (task == null) {
          throw new IllegalArgumentException(
              "Task "
                  + (index + buffer.size())
                  + " is null: every element of the input must be a Task.");
        }
        buffer.add(task);
      }
      exhausted = buffer.size() < batchSize;
    }
    Task<?> task = buffer.poll();
    if (task == null) {
      exhausted = true;
      // joblib prints once more from its finally block, while still "iterating"
      progress.printProgress(new CallState(index, index, index, index, true, false));
      return null;
    }
    List<Object> result;
    Batch batch = new Batch(index, List.of(task), null, options);
    // no nested scope: a sequential call leaves its tasks' configuration alone (joblib); with the
    // CPU budget its tasks run with the call's CPUs as their share, in whatever thread reads them
    try (CpuBudget.TaskScope share = CpuBudget.enterTask(taskShare)) {
      result = batch.call();
    } catch (BatchTaskException e) {
      aborted = true;
      progress.taskFailed(batch, e, null);
      throw Failures.taskFailure(
          e.getCause(),
          index,
          "thread " + Thread.currentThread().getName() + ", pid " + ProcessHandle.current().pid(),
          backendName,
          parallel);
    }
    Chunk chunk = new Chunk(index, result);
    index++;
    progress.batchCompleted(new CallState(index, index, index, -1, true, false), 1);
    progress.tasksCompleted(batch, result, null);
    return chunk;
  }

  @Override
  public void abort() {
    aborted = true;
  }

  @Override
  public CallState state() {
    return new CallState(
        index, index, index, exhausted ? index : -1, !exhausted, exhausted && !aborted);
  }
}
