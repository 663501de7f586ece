package org.joblib4j.backend.threading;

import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;

/** Small helpers shared by the tests. */
final class TestSupport {
  private TestSupport() {}

  static int square(int x) {
    return x * x;
  }

  static List<Integer> squares(int n) {
    return IntStream.range(0, n).map(TestSupport::square).boxed().collect(Collectors.toList());
  }

  /** Runs {@code n} tasks that can only finish together, so each runs on its own thread. */
  static java.util.Set<Thread> together(org.joblib4j.Parallel p, int n) {
    java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(n);
    List<Thread> threads =
        p.run(
            IntStream.range(0, n)
                .mapToObj(
                    i ->
                        (org.joblib4j.Task<Thread>)
                            () -> {
                              barrier.await(10, java.util.concurrent.TimeUnit.SECONDS);
                              return Thread.currentThread();
                            }));
    return new java.util.HashSet<>(threads);
  }

  /** A fresh instance of an installed backend, found the way the engine finds it (ServiceLoader). */
  static ParallelBackend newBackend(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) {
        return p.create(BackendContext.empty(name));
      }
    }
    throw new AssertionError("no BackendProvider named " + name + " on the test classpath");
  }

  /** An iterable that is not a Collection (its size is unknown), like a Python generator. */
  static <T> Iterable<T> generator(int n, IntFunction<T> f) {
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
