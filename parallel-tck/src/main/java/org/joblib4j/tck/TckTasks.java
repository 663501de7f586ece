package org.joblib4j.tck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.joblib4j.Parallel;

/** The kit's task bodies: static, so their lambdas capture nothing and travel to any worker. */
final class TckTasks {
  private TckTasks() {}

  static Integer square(Integer x) {
    return x * x;
  }

  /** Returns {@code i}: a task whose argument is large. */
  static Integer indexOf(List<double[]> rows, Integer i) {
    return rows.isEmpty() ? -1 : i;
  }

  /** Eight distinct rows of 128 KiB: 1 MiB, no row large enough to be memory-mapped. */
  static List<double[]> rowsOfOneMebibyte() {
    List<double[]> rows = new java.util.ArrayList<>();
    for (int r = 0; r < 8; r++) {
      rows.add(new double[16_384]);
    }
    return rows;
  }

  static Integer negate(Integer x) {
    return -x;
  }

  static Integer nothing(Integer x) {
    return null;
  }

  static Integer jitteredSquare(Integer x) {
    LockSupport.parkNanos((x * 7919L % 5) * 100_000L);
    return x * x;
  }

  static Integer slowSquare(Integer x) {
    LockSupport.parkNanos(2_000_000L);
    return x * x;
  }

  /** Half a second of "work": long enough that no completion can race the caller's next line. */
  static Integer sleepySquare(Integer x) {
    LockSupport.parkNanos(500_000_000L);
    return x * x;
  }

  static Integer failAtSeven(Integer x) {
    if (x == 7) {
      throw new IllegalStateException("task 7 failed");
    }
    return x;
  }

  static Integer ioFailure(Integer x) throws IOException {
    if (x == 2) {
      throw new IOException("io 2");
    }
    return x;
  }

  /** Recurses until the JVM throws its own StackOverflowError, for 2; returns at once otherwise. */
  static Integer overflowAtTwo(Integer x) {
    return x == 2 ? recurse(0) : x;
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  static Integer assertionError(Integer x) {
    throw new AssertionError("assertion " + x);
  }

  /**
   * Sleeps "forever" for 1 (ignoring interrupts, as stuck code does), returns at once otherwise.
   */
  static Integer stuckAtOne(Integer x) {
    if (x == 1) {
      long end = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
        LockSupport.parkNanos(10_000_000L);
      }
    }
    return x;
  }

  /** Runs a Parallel inside a task: its nesting level, then its results. */
  static List<Integer> nestedLevels(Integer x) {
    Parallel inner = Parallel.builder().nJobs(2).build();
    List<Integer> out = new java.util.ArrayList<>();
    out.add(inner.nestingLevel());
    out.addAll(inner.map(TckTasks::square, List.of(1, 2, 3)));
    return out;
  }

  /** What cannot be serialized: a task holding one never leaves the caller. */
  static final class Unserializable {
    @Override
    public String toString() {
      return "Unserializable";
    }
  }

  /** Leaves a marker file named after the task in {@code dir}: the proof that the task ran. */
  static Integer mark(String dir, Integer index, Object payload) throws IOException {
    Files.writeString(Path.of(dir, Integer.toString(index)), String.valueOf(payload));
    return index;
  }

  /**
   * Squares {@code x}, leaving one file per run in {@code dir/runs} (named {@code x-<unique>}), and
   * fails for 7 while {@code dir/fail7} exists.
   */
  static Integer countedSquare(String dir, Integer x) throws IOException {
    Files.createTempFile(Files.createDirectories(Path.of(dir, "runs")), x + "-", ".run");
    if (x == 7 && Files.exists(Path.of(dir, "fail7"))) {
      throw new IllegalStateException("task 7 failed");
    }
    return x * x;
  }

  /**
   * Squares {@code x}, leaving one file per run in {@code dir/runs}; task 4 fails on its first
   * {@code failures} runs (counted across JVMs by those files).
   */
  static Integer flakySquare(String dir, Integer x, Integer failures) throws IOException {
    Files.createTempFile(Files.createDirectories(Path.of(dir, "runs")), x + "-", ".run");
    if (x == 4) {
      long runs = runs(Path.of(dir)).stream().filter(i -> i == 4).count();
      if (runs <= failures) {
        throw new IllegalStateException("task 4 failed on run " + runs);
      }
    }
    return x * x;
  }

  /** The task indices of the runs {@link #countedSquare} left, one entry per run. */
  static List<Integer> runs(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("runs"))) {
      return files
          .map(f -> Integer.valueOf(f.getFileName().toString().split("-")[0]))
          .sorted()
          .collect(java.util.stream.Collectors.toList());
    }
  }

  /** The tasks whose marker is in {@code dir}. */
  static java.util.Set<Integer> marked(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> Integer.valueOf(f.getFileName().toString()))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  /** A value whose serialized form is {@code count} zero bytes that nobody keeps. */
  static final class Zeros implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient long count;

    Zeros(long count) {
      this.count = count;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      byte[] zeros = new byte[1 << 16];
      for (long left = count; left > 0; left -= zeros.length) {
        out.write(zeros, 0, (int) Math.min(left, zeros.length));
      }
    }
  }

  /** Returns 2 GiB of serialized zeros for {@code at}, {@code x} otherwise. */
  static Object twoGibibytesAt(Integer x, Integer at) {
    return x.equals(at) ? new Zeros(1L << 31) : x;
  }

  /** The bytes one Java serialization stream takes for a value, counted and dropped. */
  static long serializedSize(Object value) throws IOException {
    long[] count = new long[1];
    java.io.OutputStream counter =
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            count[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            count[0] += len;
          }
        };
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(counter)) {
      out.writeObject(value);
    }
    return count[0];
  }
}
