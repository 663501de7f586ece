package org.joblib4j.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.examples.progress.ProgressMode;
import org.junit.jupiter.api.Test;

class WorkloadRunnerTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** Squares 0..3 and sums them, on the configured backend or on a given one. */
  private static final class Squares implements Workload<Integer> {
    private final String backend;
    final List<Parallel> runOn = new java.util.ArrayList<>();

    Squares() {
      this(null);
    }

    Squares(String backend) {
      this.backend = backend;
    }

    @Override
    public Parallel.Builder configure(Parallel.Builder builder) {
      return backend == null ? builder : builder.backend(backend);
    }

    @Override
    public String name() {
      return "squares";
    }

    @Override
    public String title() {
      return "squares: 4 tasks";
    }

    @Override
    public int tasks() {
      return 4;
    }

    @Override
    public int defaultNJobs() {
      return 2;
    }

    @Override
    public Integer run(Parallel parallel) {
      runOn.add(parallel);
      return parallel
          .run(
              IntStream.range(0, 4)
                  .mapToObj(i -> delayed(x -> x * x, i))
                  .collect(Collectors.toList()))
          .stream()
          .mapToInt(Integer::intValue)
          .sum();
    }

    @Override
    public String describe(Integer result) {
      return "sum " + result;
    }
  }

  private List<String> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
  }

  @Test
  void runsInParallelThenWithOneJobAndPrintsProgressAndTheResult() {
    WorkloadTiming timing =
        new WorkloadRunner(out, ProgressMode.PLAIN, null, true, "threading").run(new Squares());

    assertThat(timing.name()).isEqualTo("squares");
    assertThat(timing.tasks()).isEqualTo(4);
    assertThat(timing.nJobs()).isEqualTo(2);
    assertThat(timing.parallelNanos()).isPositive();
    assertThat(timing.hasBaseline()).isTrue();
    List<String> lines = lines();
    assertThat(lines.get(0)).isEqualTo("== squares: 4 tasks");
    // times vary: the progress lines' shape, then the exact result line
    assertThat(lines.subList(1, lines.size() - 2))
        .anyMatch(l -> l.matches("n_jobs=2 4/4 100% \\| [0-9.]+ tasks/s \\| 0:[0-9.]+ \\| done"))
        .anyMatch(l -> l.matches("n_jobs=1 4/4 100% \\| [0-9.]+ tasks/s \\| 0:[0-9.]+ \\| done"))
        .allMatch(l -> l.matches("n_jobs=[12] \\d/4 +\\d+% \\| .*"));
    assertThat(lines.subList(lines.size() - 2, lines.size()))
        .containsExactly(
            "sum 14 (backend=threading, n_jobs=2, 2 workers); n_jobs=1 agrees: true", "");
  }

  @Test
  void theCommandLinesNJobsWinsAndTheBaselineAndProgressCanBeLeftOut() {
    WorkloadTiming timing =
        new WorkloadRunner(out, ProgressMode.OFF, 3, false, "threading").run(new Squares());

    assertThat(timing.nJobs()).isEqualTo(3);
    assertThat(timing.hasBaseline()).isFalse();
    assertThat(lines())
        .containsExactly(
            "== squares: 4 tasks", "sum 14 (backend=threading, n_jobs=3, 3 workers)", "");
  }

  @Test
  void onWorkerJvmsTimesTheFirstCallApartAndTheSpeedUpOnTheMedianWarmRun() {
    Squares squares = new Squares("loky");
    WorkloadTiming timing =
        new WorkloadRunner(out, ProgressMode.PLAIN, null, true, "loky").run(squares);

    // the first call and three warm runs on one kept-open Parallel (multiprocessing's workers
    // stay warm), then the baseline on its own
    assertThat(squares.runOn).hasSize(2 + WorkloadRunner.WARM_RUNS);
    assertThat(squares.runOn.subList(1, 4))
        .allSatisfy(p -> assertThat(p).isSameAs(squares.runOn.get(0)));
    assertThat(squares.runOn.get(4)).isNotSameAs(squares.runOn.get(0));
    assertThat(timing.hasFirstCall()).isTrue();
    assertThat(timing.firstCallNanos()).isPositive();
    assertThat(timing.parallelNanos()).isPositive();
    List<String> lines = lines();
    assertThat(lines.get(0)).isEqualTo("== squares: 4 tasks");
    List<String> done =
        lines.stream()
            .filter(l -> l.endsWith("| done"))
            .map(l -> l.replaceFirst(" +\\d/4 .*", ""))
            .collect(Collectors.toList());
    // the first call, the warm runs (the median is reported), then the baseline
    assertThat(done)
        .containsExactly("n_jobs=2, first call", "n_jobs=2", "n_jobs=2", "n_jobs=2", "n_jobs=1");
    assertThat(lines.subList(lines.size() - 2, lines.size()))
        .containsExactly("sum 14 (backend=loky, n_jobs=2, 2 workers); n_jobs=1 agrees: true", "");
  }

  @Test
  void onWorkerJvmsWithoutABaselineStillTimesTheFirstCallApart() {
    WorkloadTiming timing =
        new WorkloadRunner(out, ProgressMode.OFF, null, false, "loky").run(new Squares("loky"));

    assertThat(timing.hasFirstCall()).isTrue();
    assertThat(timing.hasBaseline()).isFalse();
    assertThat(lines())
        .containsExactly("== squares: 4 tasks", "sum 14 (backend=loky, n_jobs=2, 2 workers)", "");
  }
}
