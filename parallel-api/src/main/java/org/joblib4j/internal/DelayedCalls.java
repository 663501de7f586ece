package org.joblib4j.internal;

import org.joblib4j.DelayedCall;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.TaskTriFunction;

/**
 * Rebuilds a {@link DelayedCall} from its parts: a batch read from the wire, a wrapped function.
 */
public final class DelayedCalls {
  private DelayedCalls() {}

  /**
   * Rebuilds a call from its parts.
   *
   * @param function a {@link Task} (no argument), {@link TaskFunction} (one), {@link
   *     TaskBiFunction} (two) or {@link TaskTriFunction} (three)
   * @param args the arguments
   * @param <R> the result type
   * @return the call
   * @throws IllegalArgumentException if the function does not take that many arguments
   */
  @SuppressWarnings("unchecked")
  public static <R> DelayedCall<R> of(Object function, Object... args) {
    if (args.length == 0 && function instanceof Task) {
      return Parallel.delayed((Task<R>) function);
    }
    if (args.length == 1 && function instanceof TaskFunction) {
      return Parallel.delayed((TaskFunction<Object, R>) function, args[0]);
    }
    if (args.length == 2 && function instanceof TaskBiFunction) {
      return Parallel.delayed((TaskBiFunction<Object, Object, R>) function, args[0], args[1]);
    }
    if (args.length == 3 && function instanceof TaskTriFunction) {
      return Parallel.delayed(
          (TaskTriFunction<Object, Object, Object, R>) function, args[0], args[1], args[2]);
    }
    throw new IllegalArgumentException(
        function.getClass().getName() + " cannot be called with " + args.length + " arguments");
  }
}
