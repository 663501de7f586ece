package org.joblib4j.process;

import org.joblib4j.TaskSerializationException;

/**
 * The failure of a batch whose answer the caller had no memory for: it names the tasks and the
 * size, so the caller's reader thread can fail that batch alone and live on.
 */
public final class TooLargeResults {
  private TooLargeResults() {}

  /**
   * The batch's failure.
   *
   * @param firstIndex the index of the batch's first task
   * @param tasks the number of tasks in it
   * @param size the answer's size in bytes, or -1 when unknown
   * @param oom what ran out of memory
   * @return the exception to fail the batch with
   */
  public static TaskSerializationException failure(
      long firstIndex, int tasks, long size, Throwable oom) {
    String bytes = size < 0 ? "size unknown" : size + " bytes";
    String which =
        tasks == 1 ? "task " + firstIndex : "tasks " + firstIndex + ".." + (firstIndex + tasks - 1);
    if (oom instanceof ResultOutOfMemoryError && tasks > 1) {
      // the result being read is known: name its task
      long task = firstIndex + ((ResultOutOfMemoryError) oom).position();
      Throwable cause = oom.getCause();
      return new TaskSerializationException(
          task,
          "The result of task "
              + task
              + " (in the answer of "
              + which
              + ", "
              + bytes
              + ") could not be read in the"
              + " caller: "
              + cause
              + ". Return smaller results, or give the caller more heap (-Xmx).",
          cause);
    }
    Throwable cause = oom instanceof ResultOutOfMemoryError ? oom.getCause() : oom;
    return new TaskSerializationException(
        firstIndex,
        "The answer of "
            + which
            + " ("
            + bytes
            + ") could not be read in the caller: "
            + cause
            + ". Return smaller"
            + " results, or give the caller more heap (-Xmx).",
        cause);
  }
}
