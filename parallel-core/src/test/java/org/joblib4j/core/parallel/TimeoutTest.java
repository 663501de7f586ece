package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.core.parallel.TestSupport.squares;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Timeouts: ignored where joblib ignores them, capability flags, and a timeout that fires. */
@ExtendWith(ThreadingDouble.class)
class TimeoutTest {

  static Object sleepBriefly(int unused) throws InterruptedException {
    Thread.sleep(1); // the case is about timing: a task that takes a little time
    return null;
  }

  // joblib: test_parallel.py::test_parallel_timeout_success
  @ParameterizedTest(name = "a generous timeout does not fire, {0}")
  @EnumSource(ReturnAs.class)
  void generousTimeoutDoesNotFire(ReturnAs returnAs) {
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .timeout(Duration.ofSeconds(30))
            .returnAs(returnAs)
            .build();
    List<Object> results = new ArrayList<>();
    try (ResultIterator<Object> it =
        p.iterate(IntStream.range(0, 10).mapToObj(i -> delayed(TimeoutTest::sleepBriefly, i)))) {
      it.forEachRemaining(results::add);
    }
    assertThat(results).hasSize(10);
  }

  // joblib: test_parallel.py::test_warning_about_timeout_not_supported_by_backend
  @Test
  void timeoutWithOneJobIsIgnoredWithOneWarning() {
    try (LogCapture logs = LogCapture.parallelWarnings()) {
      List<Integer> r =
          Parallel.builder()
              .nJobs(1)
              .timeout(Duration.ofSeconds(1))
              .build()
              .run(IntStream.range(0, 50).mapToObj(i -> delayed(TestSupport::square, i)));
      assertThat(r).isEqualTo(squares(50));
      assertThat(logs.warnings())
          .containsExactly(
              "The backend class 'SequentialBackend' does not support timeout. You have set"
                  + " 'timeout=1' in Parallel but the 'timeout' parameter will not be used.");
    }
  }

  @Test
  void sequentialBackendIgnoresTimeoutWithOneWarning() {
    try (LogCapture logs = LogCapture.parallelWarnings()) {
      List<Integer> r =
          Parallel.builder()
              .backend("sequential")
              .nJobs(2)
              .timeout(Duration.ofMillis(500))
              .build()
              .run(IntStream.range(0, 5).mapToObj(i -> delayed(TestSupport::square, i)));
      assertThat(r).isEqualTo(squares(5));
      assertThat(logs.warnings())
          .containsExactly(
              "The backend class 'SequentialBackend' does not support timeout. You have set"
                  + " 'timeout=0.5' in Parallel but the 'timeout' parameter will not be used.");
    }
  }

  @ParameterizedTest(name = "a timeout that expires aborts the call, {0}")
  @EnumSource(ReturnAs.class)
  void anExpiredTimeoutAbortsTheCall(ReturnAs returnAs) {
    CountDownLatch release = new CountDownLatch(1);
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .timeout(Duration.ofMillis(200))
            .returnAs(returnAs)
            .build();
    long t0 = System.nanoTime();
    try {
      assertThatThrownBy(
              () -> {
                try (ResultIterator<Integer> it =
                    p.iterate(
                        IntStream.range(0, 4)
                            .mapToObj(
                                i ->
                                    (Task<Integer>)
                                        () -> {
                                          release.await(10, TimeUnit.SECONDS);
                                          return i;
                                        }))) {
                  it.forEachRemaining(x -> {});
                }
              })
          .isExactlyInstanceOf(ParallelTimeoutException.class)
          .hasCauseInstanceOf(TimeoutException.class)
          .hasMessage(
              "Parallel(n_jobs=2) timed out: no result arrived within timeout=0.2 s on backend"
                  + " 'threading'. The call's remaining tasks were cancelled.");
    } finally {
      release.countDown();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    // the instance can run again
    assertThat(p.<Integer>run(List.of(delayed(() -> 3)))).containsExactly(3);
  }

  @Test
  void generatorUnorderedWithTimeoutYieldsEverything() {
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .backend("threading")
            .returnAs(ReturnAs.GENERATOR_UNORDERED)
            .timeout(Duration.ofSeconds(5))
            .build();
    List<Integer> got = new ArrayList<>();
    try (ResultIterator<Integer> it =
        p.iterate(IntStream.range(0, 10).mapToObj(i -> delayed(TestSupport::square, i)))) {
      it.forEachRemaining(got::add);
    }
    assertThat(got).containsExactlyInAnyOrderElementsOf(squares(10));
  }
}
