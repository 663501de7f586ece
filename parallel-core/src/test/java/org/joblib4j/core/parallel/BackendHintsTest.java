package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.core.parallel.TestSupport.squares;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.joblib4j.tck.support.StdCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The prefer and require hints. */
@ExtendWith(ThreadingDouble.class)
class BackendHintsTest {

  @AfterEach
  void unregister() {
    Backends.unregister("my_processing");
  }

  private static List<Integer> runSquares(Parallel p) {
    return p.run(IntStream.range(0, 10).mapToObj(i -> delayed(TestSupport::square, i)));
  }

  // joblib: test_parallel.py::test_backend_hinting_and_constraints
  @ParameterizedTest(name = "hints pick threads, n_jobs={0}")
  @ValueSource(ints = {1, 2, -1})
  void hintsChooseTheBackendWhenNothingElseIsSet(int nJobs) {
    // the default is threading on the JVM (no GIL), not loky
    assertThat(Parallel.builder().nJobs(nJobs).build().backendName()).isEqualTo("threading");
    assertThat(Parallel.builder().nJobs(nJobs).prefer(Prefer.THREADS).build().backendName())
        .isEqualTo("threading");
    assertThat(Parallel.builder().nJobs(nJobs).require(Require.SHAREDMEM).build().backendName())
        .isEqualTo("threading");
  }

  @Test
  void requireSharedMemReplacesAContextBackendWithoutSharedMemory() {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend(new MyCustomProcessingBackend()).nJobs(3).open()) {
      Parallel p = Parallel.builder().require(Require.SHAREDMEM).build();
      assertThat(p.backendName()).isEqualTo("threading");
      // joblib drops the context's n_jobs when it forces threads
      assertThat(p.nJobs()).isEqualTo(1);
    }
  }

  // joblib: test_parallel.py::test_invalid_backend_hinting_and_constraints,
  // test_config.py::test_parallel_config_bad_params
  @Test
  void invalidHints() {
    assertThatThrownBy(() -> Parallel.builder().prefer("invalid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefer=invalid is not a valid backend hint, expected one of \"processes\", \"threads\" or null");
    assertThatThrownBy(() -> Parallel.builder().require("invalid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "require=invalid is not a valid backend constraint, expected one of \"sharedmem\" or null");
    assertThatThrownBy(() -> ParallelConfig.builder().prefer("wrong"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefer=wrong is not a valid backend hint, expected one of \"processes\", \"threads\" or null");
    assertThatThrownBy(() -> ParallelConfig.builder().require("wrong"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "require=wrong is not a valid backend constraint, expected one of \"sharedmem\" or null");
  }

  @Test
  void contradictoryHints() {
    assertThatThrownBy(
            () -> Parallel.builder().prefer(Prefer.PROCESSES).require(Require.SHAREDMEM).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
    assertThatThrownBy(
            () -> ParallelConfig.builder().prefer("processes").require("sharedmem").open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
    // one half in a scope, the other in the builder
    try (ParallelConfig.Scope s = ParallelConfig.builder().prefer(Prefer.PROCESSES).open()) {
      assertThatThrownBy(() -> Parallel.builder().require(Require.SHAREDMEM).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
    }
  }

  @Test
  void anExplicitBackendWithoutSharedMemoryAndRequireSharedMem() {
    Backends.register("my_processing", MyCustomProcessingBackend::new, false);
    assertThatThrownBy(
            () -> Parallel.builder().backend("my_processing").require(Require.SHAREDMEM).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Backend MyCustomProcessingBackend does not support shared memory");
  }

  // joblib: test_parallel.py::test_backend_hinting_and_constraints_with_custom_backends
  @Test
  void customThreadingBackendSatisfiesBothHints() {
    MyCustomThreadingBackend custom = new MyCustomThreadingBackend();
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend(custom).open()) {
      assertThat(runSquares(Parallel.builder().nJobs(2).prefer(Prefer.PROCESSES).build()))
          .isEqualTo(squares(10));
      int afterFirst = custom.submitCalls.get();
      assertThat(afterFirst).isPositive();
      assertThat(runSquares(Parallel.builder().nJobs(2).require(Require.SHAREDMEM).build()))
          .isEqualTo(squares(10));
      assertThat(custom.submitCalls.get()).isGreaterThan(afterFirst);
    }
  }

  @Test
  void sharedMemoryFallbackIsReported() {
    MyCustomProcessingBackend custom = new MyCustomProcessingBackend();
    try (ParallelConfig.Scope s = ParallelConfig.builder().backend(custom).open()) {
      try (StdCapture std = StdCapture.start()) {
        Parallel kept = Parallel.builder().nJobs(2).prefer(Prefer.PROCESSES).build();
        assertThat(runSquares(kept)).isEqualTo(squares(10));
        assertThat(custom.submitCalls.get()).isPositive();
        assertThat(std.out()).isEmpty();
        assertThat(std.err()).isEmpty();
      }
      try (StdCapture std = StdCapture.start()) {
        Parallel p = Parallel.builder().nJobs(2).require(Require.SHAREDMEM).verbose(10).build();
        assertThat(p.backendName()).isEqualTo("threading");
        assertThat(p.nJobs()).isEqualTo(2);
        assertThat(std.out())
            .isEqualTo(
                "Using ThreadingBackend as joblib backend instead of MyCustomProcessingBackend as the"
                    + " latter does not provide shared memory semantics."
                    + System.lineSeparator());
        assertThat(std.err()).isEmpty();
      }
    }
  }

  @Test
  void anExplicitInstanceWithoutSharedMemoryIsAnError() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend(new MyCustomProcessingBackend())
                    .require(Require.SHAREDMEM)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Backend MyCustomProcessingBackend does not support shared memory");
  }

  static Stream<Arguments> b15Cases() {
    List<Arguments> args = new ArrayList<>();
    for (int nJobs : new int[] {1, 2}) {
      for (Prefer prefer : new Prefer[] {null, Prefer.PROCESSES, Prefer.THREADS}) {
        args.add(Arguments.of(nJobs, prefer));
      }
    }
    return args.stream();
  }

  // joblib: test_parallel.py::test_backend_hinting_always_running
  @ParameterizedTest(name = "hints never cause errors, n_jobs={0} prefer={1}")
  @MethodSource("b15Cases")
  void hintsNeverCauseErrors(int nJobs, Prefer prefer) {
    assertThat(runSquares(Parallel.builder().nJobs(nJobs).prefer(prefer).build()))
        .isEqualTo(squares(10));
    try (ParallelConfig.Scope s = ParallelConfig.builder().prefer(prefer).nJobs(nJobs).open()) {
      assertThat(runSquares(Parallel.builder().build())).isEqualTo(squares(10));
    }
  }
}
