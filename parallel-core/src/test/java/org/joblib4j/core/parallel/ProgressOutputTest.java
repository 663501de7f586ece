package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.Task;
import org.joblib4j.tck.support.LogCapture;
import org.joblib4j.tck.support.StdCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;

/** Verbose output and the ProgressListener events. */
@ExtendWith(ThreadingDouble.class)
class ProgressOutputTest {
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

  private static Set<Integer> doneFragmentWidths(String text) {
    Pattern fragment = Pattern.compile("(Done\\s+\\d+ out of \\d+ \\|)");
    Set<Integer> widths = new HashSet<>();
    Matcher m = fragment.matcher(text);
    while (m.find()) {
      widths.add(m.end() - m.start());
    }
    return widths;
  }

  // joblib: test_parallel.py::test_parallel_pretty_print, test_parallel.py::test_simple_parallel
  @ParameterizedTest(name = "pretty print, 100 tasks, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void everyDoneFragmentHasTheSameWidth(int nJobs) {
    String err;
    try (StdCapture std = StdCapture.start()) {
      // verbose 10000 prints to stdout
      Parallel.builder()
          .nJobs(nJobs)
          .backend("threading")
          .verbose(10000)
          .build()
          .run(listOfSquares(100));
      err = std.out();
    }
    assertThat(doneFragmentWidths(err)).hasSize(1);
  }

  @ParameterizedTest(name = "pretty print, 1000 tasks, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void widthFollowsTheNumberOfTasks(int nJobs) {
    String out;
    try (StdCapture std = StdCapture.start()) {
      Parallel.builder()
          .nJobs(nJobs)
          .backend("threading")
          .batchSize(1)
          .verbose(10000)
          .build()
          .run(listOfSquares(1000));
      out = std.out();
    }
    // verbose > 10 reports every completion; the first one comes while the input is still read
    assertThat(StdCapture.lines(out))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "[Parallel(n_jobs=" + nJobs + ")]: Done    1 out of 1000 | elapsed:"));
    assertThat(doneFragmentWidths(out)).containsExactly("Done 1000 out of 1000 |".length());
  }

  @ParameterizedTest(name = "verbose=0 prints nothing, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void verboseZeroPrintsNothing(int nJobs) {
    try (StdCapture std = StdCapture.start()) {
      Parallel.builder()
          .nJobs(nJobs)
          .backend("threading")
          .verbose(0)
          .build()
          .run(listOfSquares(10));
      Parallel.builder().nJobs(nJobs).backend("threading").build().run(listOfSquares(10));
      assertThat(std.out()).isEmpty();
      assertThat(std.err()).isEmpty();
    }
  }

  @Test
  void oneJobDoesNotAnnounceABackend() {
    String err;
    try (StdCapture std = StdCapture.start()) {
      Parallel.builder().nJobs(1).backend("threading").verbose(10).build().run(listOfSquares(5));
      err = std.err();
    }
    assertThat(err).doesNotContain("Using backend");
    assertThat(StdCapture.lines(err))
        .allSatisfy(l -> assertThat(l).startsWith("[Parallel(n_jobs=1)]: Done "));
  }

  // ------------------------------------------------------------------ ProgressListener

  @ParameterizedTest(name = "listener sees start, every batch and the finish, n_jobs={0}")
  @ValueSource(ints = {1, 2})
  void listenerSeesEveryTask(int nJobs) {
    ProgressListener listener = mock(ProgressListener.class);
    List<Integer> r =
        Parallel.builder()
            .nJobs(nJobs)
            .backend("threading")
            .progress(listener)
            .build()
            .run(listOfSquares(10));
    assertThat(r).isEqualTo(TestSupport.squares(10));

    verify(listener, times(1)).onStart(any());
    ArgumentCaptor<ProgressEvent> batches = ArgumentCaptor.forClass(ProgressEvent.class);
    verify(listener, org.mockito.Mockito.atLeastOnce()).onBatchCompleted(batches.capture());
    assertThat(batches.getAllValues().stream().mapToInt(ProgressEvent::lastBatchSize).sum())
        .isEqualTo(10);
    assertThat(batches.getAllValues())
        .allSatisfy(e -> assertThat(e.backendName()).isEqualTo("threading"));
    ArgumentCaptor<ProgressEvent> finish = ArgumentCaptor.forClass(ProgressEvent.class);
    verify(listener, times(1)).onFinish(finish.capture());
    ProgressEvent end = finish.getValue();
    assertThat(end.completedTasks()).isEqualTo(10);
    assertThat(end.totalTasks()).isEqualTo(10);
    assertThat(end.dispatchedTasks()).isEqualTo(10);
    assertThat(end.nJobs()).isEqualTo(nJobs);
    assertThat(end.failure()).isEmpty();
  }

  @Test
  void listenerIsToldAboutTheFailure() {
    ProgressListener listener = mock(ProgressListener.class);
    IllegalStateException boom = new IllegalStateException("boom");
    List<Task<Integer>> tasks =
        List.of(
            delayed(() -> 1),
            () -> {
              throw boom;
            });
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .nJobs(2)
                    .backend("threading")
                    .progress(listener)
                    .build()
                    .run(tasks))
        .isSameAs(boom);
    ArgumentCaptor<ProgressEvent> finish = ArgumentCaptor.forClass(ProgressEvent.class);
    verify(listener, times(1)).onFinish(finish.capture());
    assertThat(finish.getValue().failure()).containsSame(boom);
  }

  @Test
  void aThrowingListenerDoesNotBreakTheCall() {
    ProgressListener listener = mock(ProgressListener.class);
    org.mockito.Mockito.doThrow(new IllegalStateException("listener bug"))
        .when(listener)
        .onBatchCompleted(any());
    try (LogCapture logs = LogCapture.parallelWarnings()) {
      assertThat(
              Parallel.builder()
                  .nJobs(2)
                  .backend("threading")
                  .progress(listener)
                  .build()
                  .<Integer>run(listOfSquares(5)))
          .isEqualTo(TestSupport.squares(5));
      assertThat(logs.warnings()).isNotEmpty();
    }
  }
}
