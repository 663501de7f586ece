package org.joblib4j.tck;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A result the caller has no memory for, as far as its reader can tell: reading it back throws
 * {@link OutOfMemoryError} (it is only ever read in the caller). For checking that such a result
 * fails its batch alone and the backend's reader thread lives on.
 */
public final class TooLargeForTheCaller implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What the caller's failure says, {@code %d} standing for the task index. */
  public static final String MESSAGE_PATTERN =
      "The answer of task %d \\(\\d+ bytes\\) could not be read in the caller: java.lang.OutOfMemoryError: Java"
          + " heap space\\. Return smaller results, or give the caller more heap \\(-Xmx\\)\\.";

  /**
   * What the caller's failure says when the result was one of a batch of several: {@code %d} for
   * the task, then the batch's first and last task.
   */
  public static final String IN_A_BATCH_PATTERN =
      "The result of task %d \\(in the answer of tasks %d\\.\\.%d, \\d+ bytes\\) could not be read in the caller:"
          + " java.lang.OutOfMemoryError: Java heap space\\. Return smaller results, or give the caller more heap"
          + " \\(-Xmx\\)\\.";

  /**
   * A task body: this object for task {@code at}, the index for the others.
   *
   * @param i the task's index
   * @param at the index that returns a too large result
   * @return the result
   */
  public static Object at(int i, int at) {
    return i == at ? new TooLargeForTheCaller() : i;
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    throw new OutOfMemoryError("Java heap space");
  }
}
