package org.joblib4j.tck.support;

import java.util.Iterator;
import java.util.function.IntFunction;

/** Input whose size the engine cannot know up front, like a Python generator. */
public final class LazyInput {
  private LazyInput() {}

  /**
   * Returns an iterable that is not a {@link java.util.Collection}, producing {@code f(0)} to
   * {@code f(n - 1)} as it is read.
   *
   * @param n how many elements
   * @param f the element at each index
   * @param <T> the element type
   * @return the iterable; each iterator starts again at 0
   */
  public static <T> Iterable<T> generator(int n, IntFunction<T> f) {
    return () ->
        new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < n;
          }

          @Override
          public T next() {
            return f.apply(i++);
          }
        };
  }
}
