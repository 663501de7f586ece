package org.joblib4j.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

  @Test
  void listsEveryWorkloadAndTheTotalWithSpeedUps() {
    List<WorkloadTiming> timings =
        List.of(
            new WorkloadTiming("primes", 40, -1, 450_000_000L, 830_000_000L),
            new WorkloadTiming("requests", 40, 8, 230_000_000L, 1_610_000_000L),
            new WorkloadTiming("grid search", 32, -1, 700_000_000L, 1_250_000_000L));

    assertThat(SummaryTable.lines(timings))
        .containsExactly(
            "workload     tasks  n_jobs  wall time  sequential  speed-up",
            "primes          40      -1     0.45 s      0.83 s     1.84x",
            "requests        40       8     0.23 s      1.61 s     7.00x",
            "grid search     32      -1     0.70 s      1.25 s     1.79x",
            "total          112             1.38 s      3.69 s     2.67x");
  }

  @Test
  void withoutABaselineHasNoSpeedUp() {
    List<WorkloadTiming> timings =
        List.of(
            new WorkloadTiming("a-long-workload-name", 3, 2, 1_500_000_000L, 3_000_000_000L),
            new WorkloadTiming("b", 12_000, 16, 20_000_000L, -1));

    assertThat(SummaryTable.lines(timings))
        .containsExactly(
            "workload              tasks  n_jobs  wall time  sequential  speed-up",
            "a-long-workload-name      3       2     1.50 s      3.00 s     2.00x",
            "b                     12000      16     0.02 s           -         -",
            "total                 12003             1.52 s           -         -");
  }

  @Test
  void withFirstCallsShowsThemAndSaysWhatTheColumnsCompare() {
    List<WorkloadTiming> timings =
        List.of(
            new WorkloadTiming("primes", 40, -1, 900_000_000L, 300_000_000L, 500_000_000L),
            new WorkloadTiming("grid search", 32, -1, 1_000_000_000L, 400_000_000L, 640_000_000L));

    assertThat(SummaryTable.lines(timings))
        .containsExactly(
            "workload     tasks  n_jobs first call  wall time  sequential  speed-up",
            "primes          40      -1     0.90 s     0.30 s      0.50 s     1.67x",
            "grid search     32      -1     1.00 s     0.40 s      0.64 s     1.60x",
            "total           72             1.90 s     0.70 s      1.14 s     1.63x",
            "first call: the workers' first run of the workload (JVM start-up, class loading, JIT);"
                + " wall time: the median of the next three runs on the same Parallel, warm as the"
                + " n_jobs=1 run is");
  }
}
