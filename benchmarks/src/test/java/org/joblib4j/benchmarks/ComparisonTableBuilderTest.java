package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComparisonTableBuilderTest {

  @Test
  void throughputIsDividedByTheBaselines() {
    ComparisonCell loky = ComparisonFixture.table().rows().get(1).cells().get(0);
    assertThat(loky.value()).isEqualTo(100_000.0);
    assertThat(loky.ratio()).isEqualTo(0.2);
  }

  @Test
  void speedUpIsOverTheSameLanguagesLoopAndTheReferenceHasNoRatio() {
    ComparisonTable t = ComparisonFixture.table();
    assertThat(t.rows().get(0).cells().get(1).value()).isEqualTo(1.6);
    assertThat(t.rows().get(1).cells().get(1).value()).isEqualTo(2.0);
    assertThat(t.rows().get(1).cells().get(1).ratio()).isEqualTo(1.25);
    assertThat(t.rows().get(2).cells().get(1).value()).isEqualTo(1.0);
    assertThat(t.rows().get(2).cells().get(1).ratio()).isNaN();
  }

  @Test
  void latencyShowsTheMedianAndRatesTheBaselineOverIt() {
    ComparisonCell loky = ComparisonFixture.table().rows().get(1).cells().get(2);
    assertThat(loky.value()).isEqualTo(4_000_000.0);
    assertThat(loky.ratio()).isEqualTo(0.25);
  }

  @Test
  void skippedWorkloadsAndRowsCarryTheirReason() {
    ComparisonTable t = ComparisonFixture.table();
    assertThat(t.rows().get(2).cells().get(0).notRun()).isEqualTo("the speed-up's reference only");
    assertThat(t.rows().get(3).notRun()).isEqualTo("RAY_DIST_JAR is not set");
    assertThat(t.rows().get(3).cells()).allMatch(c -> !c.isMeasured());
  }
}
