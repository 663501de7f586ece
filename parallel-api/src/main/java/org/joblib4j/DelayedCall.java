package org.joblib4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The task that {@link Parallel#delayed} builds: a function plus its arguments, kept apart so a
 * backend can inspect them (for example to send a function shared by many tasks only once).
 *
 * @param <R> the result type
 */
public final class DelayedCall<R> implements Task<R> {
  private static final long serialVersionUID = 1L;

  private final Object function;
  private final Object[] args;

  DelayedCall(Object function, Object... args) {
    this.function = Objects.requireNonNull(function, "function");
    this.args = args.clone();
  }

  /**
   * Returns the number of arguments.
   *
   * @return 0 to 3
   */
  public int arity() {
    return args.length;
  }

  /**
   * Returns one argument.
   *
   * @param i its position, from 0
   * @return the argument
   */
  public Object arg(int i) {
    return args[i];
  }

  /**
   * Returns the function: a {@link Task}, {@link TaskFunction}, {@link TaskBiFunction} or {@link
   * TaskTriFunction}.
   *
   * @return the function
   */
  public Object function() {
    return function;
  }

  /**
   * Returns the arguments, in order.
   *
   * @return an unmodifiable view of the arguments (which may contain {@code null})
   */
  public List<Object> args() {
    return Collections.unmodifiableList(Arrays.asList(args));
  }

  @Override
  @SuppressWarnings("unchecked")
  public R call() throws Exception {
    switch (args.length) {
      case 0:
        return ((Task<R>) function).call();
      case 1:
        return ((TaskFunction<Object, R>) function).apply(args[0]);
      case 2:
        return ((TaskBiFunction<Object, Object, R>) function).apply(args[0], args[1]);
      default:
        return ((TaskTriFunction<Object, Object, Object, R>) function)
            .apply(args[0], args[1], args[2]);
    }
  }

  @Override
  public String toString() {
    return "delayed(" + function.getClass().getName() + ")" + Arrays.toString(args);
  }
}
