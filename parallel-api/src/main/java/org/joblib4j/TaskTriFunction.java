package org.joblib4j;

import java.io.Serializable;

/**
 * A serializable three-argument function, as taken by {@link Parallel#delayed(TaskTriFunction,
 * Object, Object, Object)}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskTriFunction<A, B, C, R> extends Serializable {
  /**
   * Applies the function.
   *
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @return the result
   * @throws Exception any failure, reported as the task's failure
   */
  R apply(A a, B b, C c) throws Exception;
}
