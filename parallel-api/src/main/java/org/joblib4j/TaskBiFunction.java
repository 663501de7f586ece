package org.joblib4j;

import java.io.Serializable;

/**
 * A serializable two-argument function, as taken by {@link Parallel#delayed(TaskBiFunction, Object,
 * Object)}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskBiFunction<A, B, R> extends Serializable {
  /**
   * Applies the function.
   *
   * @param a the first argument
   * @param b the second argument
   * @return the result
   * @throws Exception any failure, reported as the task's failure
   */
  R apply(A a, B b) throws Exception;
}
