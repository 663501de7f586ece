package org.joblib4j.benchmarks;

import java.util.Arrays;

/**
 * A CPU-bound task of a calibrated length: a dependent chain of integer multiply-adds that the JIT
 * can neither vectorise nor remove, touching no memory.
 */
final class CpuWork {
  private CpuWork() {}

  /**
   * Spins.
   *
   * @param iterations the loop count
   * @return a value that depends on every iteration
   */
  static long spin(long iterations) {
    long h = 0x9E3779B97F4A7C15L;
    long acc = 0;
    for (long i = 0; i < iterations; i++) {
      h = h * 6364136223846793005L + 1442695040888963407L;
      acc ^= h >>> 17;
    }
    return acc;
  }

  /**
   * Finds the loop count that takes about {@code targetMillis} on this machine (after warming up
   * the JIT).
   *
   * @param targetMillis the wanted duration of one task
   * @return the loop count
   */
  static long calibrate(double targetMillis) {
    long n = 1_000_000;
    for (int i = 0; i < 20; i++) {
      spin(n);
    }
    while (true) {
      long t0 = System.nanoTime();
      spin(n);
      if (System.nanoTime() - t0 > 50_000_000L) {
        break;
      }
      n *= 2;
    }
    long[] t = new long[5];
    for (int i = 0; i < t.length; i++) {
      long t0 = System.nanoTime();
      spin(n);
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return Math.max(1, (long) (n * targetMillis * 1e6 / t[t.length / 2]));
  }
}
