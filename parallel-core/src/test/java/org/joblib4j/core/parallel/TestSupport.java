package org.joblib4j.core.parallel;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.tck.support.InstalledBackends;
import org.joblib4j.tck.support.LazyInput;

/** Small helpers shared by the engine's tests. */
final class TestSupport {
  private TestSupport() {}

  static int square(int x) {
    return x * x;
  }

  static List<Integer> squares(int n) {
    return IntStream.range(0, n).map(TestSupport::square).boxed().collect(Collectors.toList());
  }

  /**
   * A fresh instance of an installed backend, found the way the engine finds it (ServiceLoader);
   * {@code threading}, whose jar is not on core's classpath, is its stand-in {@link
   * ThreadPoolDouble}.
   */
  static ParallelBackend newBackend(String name) {
    return name.equals("threading") ? new ThreadPoolDouble() : InstalledBackends.create(name);
  }

  /** An iterable that is not a Collection (its size is unknown), like a Python generator. */
  static <T> Iterable<T> generator(int n, IntFunction<T> f) {
    return LazyInput.generator(n, f);
  }
}
