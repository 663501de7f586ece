package org.joblib4j.core.engine;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.joblib4j.TaskFailedException;
import org.joblib4j.TaskOrigin;
import org.joblib4j.spi.BatchTaskException;

/** Turns what a batch failed with into what the caller sees, as DESIGN.md says. */
final class Failures {
  private Failures() {}

  /** Strips the wrappers futures add. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The exception to throw for a failure: a task's unchecked exception or error as itself, a
   * checked one wrapped in {@link TaskFailedException}, each with a {@link TaskOrigin} suppressed.
   *
   * @param failure what the batch failed with
   * @param backendName the backend's name
   * @param parallel the {@code Parallel(n_jobs=...)} text
   * @return the exception to throw (errors are thrown directly)
   */
  static RuntimeException toThrow(Throwable failure, String backendName, String parallel) {
    Throwable f = unwrap(failure);
    if (f instanceof BatchTaskException) {
      BatchTaskException b = (BatchTaskException) f;
      return taskFailure(b.getCause(), b.taskIndex(), b.where(), backendName, parallel);
    }
    return propagate(f, null);
  }

  /**
   * The exception to throw for a task that failed in the caller's thread.
   *
   * @param cause what the task threw
   * @param taskIndex its index
   * @param backendName the backend's name
   * @param parallel the {@code Parallel(n_jobs=...)} text
   * @return the exception to throw (errors are thrown directly)
   */
  static RuntimeException taskFailure(
      Throwable cause, long taskIndex, String where, String backendName, String parallel) {
    return propagate(cause, origin(taskIndex, where, backendName, parallel));
  }

  /**
   * A collected failure as the caller sees it in an {@code Outcome}: the task's own exception, with
   * a {@link TaskOrigin} suppressed.
   */
  static Throwable described(
      Throwable cause, long taskIndex, String where, String backendName, String parallel) {
    return withOrigin(cause, origin(taskIndex, where, backendName, parallel));
  }

  private static TaskOrigin origin(
      long taskIndex, String where, String backendName, String parallel) {
    return new TaskOrigin(
        taskIndex,
        backendName,
        "Task "
            + taskIndex
            + " of "
            + parallel
            + " failed on backend '"
            + backendName
            + "' ("
            + where
            + ")");
  }

  private static Throwable withOrigin(Throwable t, TaskOrigin origin) {
    if (origin != null && !hasOrigin(t)) {
      t.addSuppressed(origin);
      if (!hasOrigin(t)) {
        // the JVM's own StackOverflowError and OutOfMemoryError refuse suppressed exceptions
        return OriginCarrier.wrap(t, origin);
      }
    }
    return t;
  }

  private static RuntimeException propagate(Throwable t, TaskOrigin origin) {
    if (t instanceof RuntimeException || t instanceof Error) {
      t = withOrigin(t, origin);
      if (t instanceof Error) {
        throw (Error) t;
      }
      return (RuntimeException) t;
    }
    if (origin == null) {
      return new IllegalStateException("The backend failed: " + t, t);
    }
    TaskFailedException wrapped = new TaskFailedException(origin.taskIndex(), t);
    wrapped.addSuppressed(origin);
    return wrapped;
  }

  private static boolean hasOrigin(Throwable t) {
    for (Throwable s : t.getSuppressed()) {
      if (s instanceof TaskOrigin) {
        return true;
      }
    }
    return false;
  }
}
