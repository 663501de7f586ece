package org.joblib4j;

import java.io.Serializable;

/**
 * One unit of work for {@link Parallel}: joblib's {@code delayed(f)(*args)}.
 *
 * <p>Tasks are {@link Serializable} so that process and cluster backends can ship them to other
 * JVMs; the threading and sequential backends never serialize them, so on those backends a task may
 * capture anything.
 *
 * <pre>{@code
 * Task<Double> t = () -> Math.sqrt(4.0);
 * Task<Double> same = Parallel.delayed(Math::sqrt, 4.0);
 * }</pre>
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Task<T> extends Serializable {

  /**
   * Runs the task.
   *
   * @return the result, which may be {@code null}
   * @throws Exception any failure; a checked exception reaches the caller wrapped in {@link
   *     TaskFailedException}, an unchecked one as itself
   */
  T call() throws Exception;
}
