package org.joblib4j.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.core.parallel.TestSupport.squares;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.internal.PreDispatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The arguments n_jobs, batch_size, pre_dispatch and return_as. */
@ExtendWith(ThreadingDouble.class)
class ArgumentValidationTest {

  private static List<DelayedSquare> tenSquares() {
    return IntStream.range(0, 10).mapToObj(DelayedSquare::new).collect(Collectors.toList());
  }

  /** delayed(square)(x) as a named class, so the task list has a simple type. */
  static final class DelayedSquare implements Task<Integer> {
    private static final long serialVersionUID = 1L;
    private final int x;

    DelayedSquare(int x) {
      this.x = x;
    }

    @Override
    public Integer call() {
      return x * x;
    }
  }

  // joblib: test_parallel.py::test_invalid_njobs
  @ParameterizedTest(name = "n_jobs=0 fails when the call starts, backend={0}")
  @ValueSource(strings = {"threading", "sequential"})
  void nJobsZeroIsRejectedAtConfigureTime(String backend) {
    // not in the constructor (joblib raises at configure time) ...
    Parallel p = Parallel.builder().nJobs(0).backend(backend).build();
    // ... but as soon as the call starts
    assertThatThrownBy(() -> p.run(tenSquares()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs == 0 in Parallel has no meaning");
  }

  @ParameterizedTest(name = "n_jobs=0.5 truncates to 0, backend={0}")
  @ValueSource(strings = {"threading", "sequential"})
  void nJobsThatTruncatesToZeroIsRejected(String backend) {
    Parallel p = Parallel.builder().nJobs(0.5).backend(backend).build();
    assertThatThrownBy(() -> p.run(tenSquares()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs == 0 in Parallel has no meaning");
  }

  @Test
  void nJobsZeroInAReusedParallel() {
    try (Parallel p = Parallel.builder().nJobs(0).backend("threading").build()) {
      assertThatThrownBy(() -> p.iterate(tenSquares()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("nJobs == 0 in Parallel has no meaning");
    }
  }

  @Test
  void nJobsZeroInEffectiveNJobs() {
    assertThatThrownBy(() -> Parallel.effectiveNJobs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs == 0 in Parallel has no meaning");
  }

  // joblib: test_parallel.py::test_invalid_njobs, test_parallel.py::test_njobs_converted_to_int
  @ParameterizedTest(name = "n_jobs=\"{0}\" is not an int")
  @ValueSource(strings = {"2.3", "invalid_str"})
  void nonIntegerTextIsRejected(String nJobs) {
    assertThatThrownBy(() -> Parallel.builder().nJobs(nJobs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs could not be converted to int");
  }

  @Test
  void nJobsIsConvertedToInt() {
    List<Parallel> ps =
        List.of(
            Parallel.builder().backend("threading").nJobs("2").build(),
            Parallel.builder().backend("threading").nJobs(2.3).build(),
            Parallel.builder().backend("threading").nJobs(2).build());
    for (Parallel p : ps) {
      assertThat(p.nJobs()).isEqualTo(2);
      assertThat(p.effectiveNJobs()).isEqualTo(2);
      assertThat(p.<Integer>run(tenSquares())).isEqualTo(squares(10));
    }
  }

  // joblib: test_parallel.py::test_simple_parallel, test_parallel.py::test_effective_n_jobs_None
  @Test
  void negativeNJobsCountsBackFromTheCpuCount() {
    int cpus = Parallel.cpuCount();
    assertThat(cpus).isPositive();
    assertThat(Parallel.effectiveNJobs(-1)).isEqualTo(cpus);
    assertThat(Parallel.builder().nJobs(-2).backend("threading").build().effectiveNJobs())
        .isEqualTo(Math.max(cpus - 1, 1));
    assertThat(Parallel.builder().nJobs(-100).backend("threading").build().effectiveNJobs())
        .isEqualTo(1);
    Parallel all = Parallel.builder().nJobs(-1).build();
    assertThat(all.nJobs()).isEqualTo(-1);
    assertThat(all.effectiveNJobs()).isEqualTo(cpus);
    assertThat(all.toString()).isEqualTo("Parallel(n_jobs=-1)");
  }

  // joblib: test_parallel.py::test_effective_n_jobs_None, test_config.py::test_parallel_n_jobs_none
  @Test
  void unsetNJobsMeansOneAndRunsInTheCallerThread() {
    assertThat(Parallel.effectiveNJobs(null)).isEqualTo(1);
    assertThat(Parallel.builder().nJobs((Integer) null).build().nJobs()).isEqualTo(1);
    Parallel p = Parallel.builder().build();
    assertThat(p.nJobs()).isEqualTo(1);
    assertThat(p.effectiveNJobs()).isEqualTo(1);

    Thread caller = Thread.currentThread();
    List<Thread> threads =
        p.run(IntStream.range(0, 5).mapToObj(i -> delayed(() -> Thread.currentThread())));
    assertThat(threads).containsOnly(caller);
  }

  // joblib: test_parallel.py::test_invalid_batch_size
  @ParameterizedTest(name = "batch_size={0} is rejected")
  @ValueSource(ints = {0, -1})
  void invalidBatchSize(int batchSize) {
    assertThatThrownBy(() -> Parallel.builder().batchSize(batchSize))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: " + batchSize);
  }

  @ParameterizedTest(name = "batch_size=\"{0}\" is rejected")
  @ValueSource(strings = {"1.42", "x", "0"})
  void invalidBatchSizeText(String batchSize) {
    assertThatThrownBy(() -> Parallel.builder().batchSize(batchSize))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: " + batchSize);
  }

  @Test
  void autoAndPositiveBatchSizesAreAccepted() {
    assertThat(Parallel.builder().nJobs(2).batchSize("auto").build().<Integer>run(tenSquares()))
        .isEqualTo(squares(10));
    assertThat(Parallel.builder().nJobs(2).batchSize(3).build().<Integer>run(tenSquares()))
        .isEqualTo(squares(10));
  }

  private static List<Integer> runWithPreDispatch(Object preDispatch) {
    Parallel.Builder b = Parallel.builder().nJobs(2).backend("threading");
    if (preDispatch instanceof Integer) {
      b.preDispatch((Integer) preDispatch);
    } else {
      b.preDispatch((String) preDispatch);
    }
    return b.build().run(IntStream.range(0, 3).mapToObj(i -> delayed(x -> x, i)));
  }

  // joblib: test_utils.py::test_eval_expr_invalid, test_utils.py::test_eval_expr_too_long
  @Test
  void validPreDispatchExpressions() {
    for (Object expr : new Object[] {"2*n_jobs", "2 * n_jobs", "all", 3, "1.5*n_jobs", "n_jobs"}) {
      assertThat(runWithPreDispatch(expr)).as("pre_dispatch=%s", expr).containsExactly(0, 1, 2);
    }
  }

  @Test
  void divisionByZeroShowsTheSubstitutedText() {
    assertThatThrownBy(() -> runWithPreDispatch("n_jobs/0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'2/0' is not a valid or supported arithmetic expression.");
  }

  @ParameterizedTest(name = "pre_dispatch=\"{0}\" is not arithmetic")
  @ValueSource(strings = {"import os", "exec('import os')", "1^1", "1//0", "1%0"})
  void unsupportedExpressions(String expr) {
    assertThatThrownBy(() -> runWithPreDispatch(expr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid or supported arithmetic");
  }

  @Test
  void tooLongExpression() {
    // the limit applies to the text after n_jobs is substituted, as in joblib
    String expr = "1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+n_jobs";
    assertThat(expr.replace("n_jobs", "2").length()).isGreaterThan(30);
    assertThatThrownBy(() -> runWithPreDispatch(expr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is too long");
  }

  @ParameterizedTest(name = "pre_dispatch=\"{0}\" is too large")
  @ValueSource(strings = {"1e7", "10**7"})
  void tooLargeLiteral(String expr) {
    assertThatThrownBy(() -> runWithPreDispatch(expr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageFindingMatch("Numeric literal .* is too large");
  }

  @Test
  void evaluatorValues() {
    assertThat(PreDispatch.evaluateExpression("2*6")).isEqualTo(12.0);
    assertThat(PreDispatch.evaluateExpression("2**6")).isEqualTo(64.0);
    assertThat(PreDispatch.evaluateExpression("1 + 2*3**(4) / (6 + -7)")).isEqualTo(-161.0);
    assertThat(PreDispatch.evaluateExpression("(20 // 3) % 5")).isEqualTo(1.0);
    assertThat(PreDispatch.evaluate("1.5*n_jobs", 2)).isEqualTo(3);
    assertThat(PreDispatch.evaluate("2*n_jobs", 4)).isEqualTo(8);
  }

  @Test
  void preDispatchIsHowFarAheadTheInputIsReadBeforeAnyResult() {
    // pre_dispatch="2*n_jobs" with 2 workers: exactly 4 tasks are read before the first completes
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Iterable<Task<Integer>> tasks =
        TestSupport.generator(
            20,
            i -> {
              events.add("read " + i);
              return () -> {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                return i;
              };
            });
    Parallel p =
        Parallel.builder()
            .nJobs(2)
            .batchSize(1)
            .preDispatch("2*n_jobs")
            .backend("threading")
            .returnAs(ReturnAs.GENERATOR)
            .build();
    try (var it = p.iterate(tasks)) {
      assertThat(new ArrayList<>(events)).containsExactly("read 0", "read 1", "read 2", "read 3");
      release.countDown();
      List<Integer> all = new ArrayList<>();
      it.forEachRemaining(all::add);
      assertThat(all).isEqualTo(IntStream.range(0, 20).boxed().collect(Collectors.toList()));
    } finally {
      release.countDown();
    }
  }

  @Test
  void invalidReturnAs() {
    assertThatThrownBy(() -> Parallel.builder().returnAs("foo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected `returnAs` parameter to be a string equal to \"list\", \"generator\" or"
                + " \"generator_unordered\", but got foo instead.");
    assertThatCode(() -> Parallel.builder().returnAs("generator_unordered").build())
        .doesNotThrowAnyException();
  }
}
