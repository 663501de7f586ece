package org.joblib4j;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Attached as a suppressed exception to a task's exception when it reaches the caller: says which
 * task failed, in which call, on which backend and where it ran (thread, and process for worker
 * JVMs). Its own stack trace is the caller's, where the failure surfaced.
 *
 * <p>Some exceptions refuse suppressed exceptions: the JVM's own {@link StackOverflowError} and
 * {@link OutOfMemoryError}. Such a task failure reaches the caller as a new exception of the same
 * type whose message ends with the origin's ({@code "[Task 3 of ...]"}), whose cause is the
 * original and which carries this origin suppressed. {@link #of} finds the origin either way.
 */
public final class TaskOrigin extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long taskIndex;
  private final String backendName;

  /**
   * Creates the record.
   *
   * @param taskIndex the failed task's index in the input
   * @param backendName the backend's name
   * @param message the full description
   */
  public TaskOrigin(long taskIndex, String backendName, String message) {
    super(message);
    this.taskIndex = taskIndex;
    this.backendName = backendName;
  }

  /**
   * Finds the origin of a task failure: suppressed on the exception itself or on one of its causes
   * (so it is found after the caller wraps the failure too).
   *
   * @param failure an exception a {@code Parallel} call threw, or one that wraps it
   * @return the origin, or empty when the exception did not come from a task
   */
  public static Optional<TaskOrigin> of(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof TaskOrigin) {
        return Optional.of((TaskOrigin) t);
      }
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof TaskOrigin) {
          return Optional.of((TaskOrigin) s);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the failed task's index in the input.
   *
   * @return the index
   */
  public long taskIndex() {
    return taskIndex;
  }

  /**
   * Returns the name of the backend the task ran on.
   *
   * @return the name
   */
  public String backendName() {
    return backendName;
  }
}
