package org.joblib4j.examples.resume;

import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;

/**
 * Resumable calls, measured: a CPU-bound call of 40 tasks is stopped after half of its results (as
 * a killed job would be), then run again with the same checkpoint folder, which runs only what is
 * left; a third run finds every result recorded. The backend comes from the configuration ({@code
 * -Djoblib4j.backend=loky} or {@code JOBLIB4J_BACKEND}), threading by default.
 *
 * <pre>java -cp joblib4j-examples.jar org.joblib4j.examples.resume.ResumeDemo</pre>
 */
public final class ResumeDemo {
  private static final int TASKS = 40;
  private static final int STEP = 150_000;

  private ResumeDemo() {}

  /**
   * One task: the primes in {@code [i * STEP, (i + 1) * STEP)}, by trial division.
   *
   * @param i the chunk
   * @return how many there are
   */
  static long primesInChunk(Integer i) {
    long count = 0;
    for (long n = Math.max(2, (long) i * STEP); n < (long) (i + 1) * STEP; n++) {
      boolean prime = n % 2 != 0 || n == 2;
      for (long d = 3; prime && d * d <= n; d += 2) {
        prime = n % d != 0;
      }
      count += prime ? 1 : 0;
    }
    return count;
  }

  static List<Task<Long>> tasks() {
    return IntStream.range(0, TASKS)
        .mapToObj(i -> delayed(ResumeDemo::primesInChunk, i))
        .collect(Collectors.toList());
  }

  /**
   * Runs the demonstration.
   *
   * @param args none
   * @throws IOException if the temporary checkpoint folder cannot be made or removed
   */
  public static void main(String[] args) throws IOException {
    run(System.out);
  }

  static void run(PrintStream out) throws IOException {
    Path folder = Files.createTempDirectory("joblib4j-resume-");
    try {
      long t = System.nanoTime();
      List<Long> plain = Parallel.builder().nJobs(-1).build().run(tasks());
      double full = seconds(t);
      Parallel.Builder resumable = Parallel.builder().nJobs(-1).checkpoint(folder);

      t = System.nanoTime();
      int taken = 0;
      try (ResultIterator<Long> it =
          resumable.returnAs(ReturnAs.GENERATOR).build().iterate(tasks())) {
        while (taken < TASKS / 2 && it.hasNext()) {
          it.next();
          taken++;
        }
      }
      double stopped = seconds(t);
      long recorded = records(folder);

      t = System.nanoTime();
      List<Long> resumed = resumable.returnAs(ReturnAs.LIST).build().run(tasks());
      double rest = seconds(t);

      t = System.nanoTime();
      List<Long> again = resumable.build().run(tasks());
      double none = seconds(t);

      String backend = Parallel.builder().nJobs(-1).build().backendName();
      out.printf("backend=%s, %d CPU-bound tasks, checkpoint folder %s%n", backend, TASKS, folder);
      out.printf("without a checkpoint:                       %6.2f s%n", full);
      out.printf("stopped after %d results (%d recorded):     %6.2f s%n", taken, recorded, stopped);
      out.printf(
          "run again, the rest only:                   %6.2f s (%.0f%% of a full run)%n",
          rest, 100 * rest / full);
      out.printf("run again, everything recorded:             %6.2f s%n", none);
      out.printf("same results every time: %s%n", plain.equals(resumed) && plain.equals(again));
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static long records(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.toString().endsWith(".result")).count();
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
