package org.joblib4j.spi;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;

/**
 * A batch of consecutive tasks: joblib's {@code BatchedCalls}. Calling it runs the tasks in order,
 * inside the nested backend's configuration, so a {@code Parallel} created by a task uses the
 * nested backend. Serializable, so a process backend can send it to a worker JVM as is.
 */
public final class Batch implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long firstIndex;
  private final List<Task<?>> tasks;
  private final NestedBackend nested;

  /**
   * Creates a batch.
   *
   * @param firstIndex the index of the first task in the whole input
   * @param tasks the tasks, in input order
   * @param nested the backend that calls made inside the tasks use, or {@code null} to leave the
   *     running thread's configuration unchanged
   */
  public Batch(long firstIndex, List<? extends Task<?>> tasks, NestedBackend nested) {
    this.firstIndex = firstIndex;
    this.tasks = Collections.unmodifiableList(new ArrayList<>(tasks));
    this.nested = nested;
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
    List<Object> results = new ArrayList<>(tasks.size());
    try (ParallelConfig.Scope ignored = nested == null ? null : ParallelConfig.nested(nested)) {
      for (int i = 0; i < tasks.size(); i++) {
        try {
          results.add(tasks.get(i).call());
        } catch (Throwable t) {
          throw new BatchTaskException(firstIndex + i, t);
        }
      }
    }
    return results;
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
