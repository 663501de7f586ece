package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.tck.support.StdCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verbose output on the threading backend: its name in the banner line. */
class ThreadingProgressTest {
  /** What follows {@code "elapsed:"}: a space, then joblib's {@code " %5.1fs"} below a minute. */
  private static final String TIME = "  [ \\d]{2}\\d\\.\\ds";

  private static List<Task<Integer>> listOfSquares(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> delayed(TestSupport::square, i))
        .collect(Collectors.toList());
  }

  private static Iterable<Task<Integer>> generatorOfSquares(int n) {
    return TestSupport.generator(n, i -> delayed(TestSupport::square, i));
  }

  // joblib: test_parallel.py::test_parallel_pretty_print, test_parallel.py::test_simple_parallel
  @Test
  void progressLinesOnStderrForAGenerator() {
    String out;
    String err;
    try (StdCapture std = StdCapture.start()) {
      List<Integer> r =
          Parallel.builder()
              .nJobs(2)
              .backend("threading")
              .verbose(10)
              .build()
              .run(generatorOfSquares(10));
      assertThat(r).isEqualTo(TestSupport.squares(10));
      out = std.out();
      err = std.err();
    }
    assertThat(out).isEmpty();
    List<String> lines = StdCapture.lines(err);
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(lines.get(0))
        .isEqualTo(
            "[Parallel(n_jobs=2)]: Using backend ThreadingBackend with 2 concurrent workers.");
    assertThat(lines.get(lines.size() - 1))
        .matches(
            Pattern.quote("[Parallel(n_jobs=2)]: Done  10 out of  10 | elapsed:")
                + TIME
                + " finished");
    for (String middle : lines.subList(1, lines.size() - 1)) {
      assertThat(middle)
          .matches(
              Pattern.quote("[Parallel(n_jobs=2)]: ")
                  + "(Batch computation too fast \\(\\d+\\.\\d{4}s\\.\\) Setting batch_size=\\d+\\."
                  + "|Done "
                  + "("
                  + "[ \\d]{2}\\d tasks      \\| elapsed:"
                  + TIME
                  + "|[ \\d]{2}\\d out of [ \\d]{2}\\d \\| elapsed:"
                  + TIME
                  + " remaining:"
                  + TIME
                  + "))");
    }
    // which intermediate lines appear depends on timing (joblib's _verbosity_filter); their format
    // does not
  }

  // joblib: _parallel_backends.py AutoBatchingMixin.compute_batch_size, printed at verbose >= 10
  @Test
  void autoBatchingSaysWhenItGrowsTheBatchAtVerboseTenOnly() {
    for (int verbose : new int[] {10, 9}) {
      String err;
      try (StdCapture std = StdCapture.start()) {
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .verbose(verbose)
            .build()
            .map(x -> x + 1, java.util.stream.IntStream.range(0, 5000).boxed().toList());
        err = std.err();
      }
      List<String> notes =
          StdCapture.lines(err).stream().filter(l -> l.contains("Batch computation")).toList();
      if (verbose == 10) {
        assertThat(notes)
            .isNotEmpty()
            .allSatisfy(
                l ->
                    assertThat(l)
                        .matches(
                            Pattern.quote("[Parallel(n_jobs=2)]: Batch computation too ")
                                + "(fast|slow) \\(\\d+\\.\\d{4}s\\.\\) Setting batch_size=\\d+\\."));
      } else {
        assertThat(notes).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "counters aligned to the known number of tasks, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void countersAreAlignedToTheNumberOfTasksWhenItIsKnown(int nJobs) {
    String err;
    try (StdCapture std = StdCapture.start()) {
      Parallel.builder()
          .nJobs(nJobs)
          .backend("threading")
          .verbose(10)
          .build()
          .run(listOfSquares(10));
      err = std.err();
    }
    List<String> lines = StdCapture.lines(err);
    String prefix = "[Parallel(n_jobs=" + nJobs + ")]: ";
    // floor(log10(10)) + 1 = 2 digits, and "out of" since the total is known up front
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(" tasks "));
    if (nJobs == 1) {
      // the sequential loop reports its first task (joblib's _verbosity_filter(1, 10) lets it
      // through)
      assertThat(lines)
          .anySatisfy(l -> assertThat(l).startsWith(prefix + "Done  1 out of 10 | elapsed:"));
    } else {
      assertThat(lines.get(0))
          .isEqualTo(prefix + "Using backend ThreadingBackend with 2 concurrent workers.");
      assertThat(lines.get(lines.size() - 1))
          .matches(Pattern.quote(prefix + "Done 10 out of 10 | elapsed:") + TIME + " finished");
    }
  }

  @Test
  void verbose50AndAboveGoesToStdout() {
    String out;
    String err;
    try (StdCapture std = StdCapture.start()) {
      Parallel.builder().nJobs(2).backend("threading").verbose(60).build().run(listOfSquares(10));
      out = std.out();
      err = std.err();
    }
    assertThat(err).isEmpty();
    List<String> lines = StdCapture.lines(out);
    assertThat(lines.get(0))
        .isEqualTo(
            "[Parallel(n_jobs=2)]: Using backend ThreadingBackend with 2 concurrent workers.");
    assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("[Parallel(n_jobs=2)]: "));
    assertThat(lines.get(lines.size() - 1)).endsWith(" finished");
  }

  @Test
  void thePrefixUsesTheRequestedNJobs() {
    String err;
    try (StdCapture std = StdCapture.start()) {
      Parallel.builder().nJobs(-1).backend("threading").verbose(5).build().run(listOfSquares(4));
      err = std.err();
    }
    int cpus = Parallel.cpuCount();
    assertThat(StdCapture.lines(err).get(0))
        .isEqualTo(
            "[Parallel(n_jobs=-1)]: Using backend ThreadingBackend with "
                + cpus
                + " concurrent workers.");
  }
}
