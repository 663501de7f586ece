package org.joblib4j;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link Parallel#run} under {@link ErrorPolicy#COLLECT} when some tasks failed: every
 * task ran, and {@link #outcomes()} holds one outcome per task, in input order.
 */
public class TaskFailuresException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Outcome<?>> outcomes;

  /**
   * Creates the exception.
   *
   * @param outcomes every task's outcome, in input order
   */
  public TaskFailuresException(List<Outcome<?>> outcomes) {
    super(message(outcomes));
    this.outcomes = List.copyOf(outcomes);
    outcomes.stream().filter(o -> !o.isSuccess()).limit(5).forEach(o -> addSuppressed(o.failure()));
  }

  private static String message(List<Outcome<?>> outcomes) {
    List<Outcome<?>> failed =
        outcomes.stream().filter(o -> !o.isSuccess()).collect(Collectors.toList());
    return failed.size()
        + " of "
        + outcomes.size()
        + " tasks failed: "
        + failed.stream()
            .limit(5)
            .map(o -> "task " + o.index() + " (" + o.failure() + ")")
            .collect(Collectors.joining(", "))
        + (failed.size() > 5 ? ", ..." : "");
  }

  /**
   * Returns every task's outcome.
   *
   * @return the outcomes, in input order
   */
  public List<Outcome<?>> outcomes() {
    return outcomes;
  }

  /**
   * Returns the failed tasks' outcomes.
   *
   * @return the failures, in input order
   */
  public List<Outcome<?>> failures() {
    return outcomes.stream().filter(o -> !o.isSuccess()).collect(Collectors.toList());
  }
}
