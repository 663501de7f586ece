package org.joblib4j;

import java.io.Serializable;

/**
 * A serializable one-argument function, as taken by {@link Parallel#delayed(TaskFunction, Object)}
 * and {@link Parallel#map(TaskFunction, Iterable)}. It may throw checked exceptions.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<A, R> extends Serializable {
  /**
   * Applies the function.
   *
   * @param a the argument
   * @return the result
   * @throws Exception any failure, reported as the task's failure
   */
  R apply(A a) throws Exception;
}
