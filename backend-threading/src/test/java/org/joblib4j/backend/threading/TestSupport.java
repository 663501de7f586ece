package org.joblib4j.backend.threading;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.tck.support.InstalledBackends;
import org.joblib4j.tck.support.LazyInput;

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

  /**
   * A fresh instance of an installed backend, found the way the engine finds it (ServiceLoader).
   */
  static ParallelBackend newBackend(String name) {
    return InstalledBackends.create(name);
  }

  /** An iterable that is not a Collection (its size is unknown), like a Python generator. */
  static <T> Iterable<T> generator(int n, IntFunction<T> f) {
    return LazyInput.generator(n, f);
  }
}
