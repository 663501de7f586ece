package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessBenchmarkTest {
  @Test
  void aTimeRatioBelowOneReadsAsSlower() {
    assertThat(ProcessBenchmark.ratio(0.25, "× faster")).isEqualTo("4.00× slower");
    assertThat(ProcessBenchmark.ratio(1.48, "× faster")).isEqualTo("1.48× faster");
    assertThat(ProcessBenchmark.ratio(0.99, "×")).isEqualTo("0.99×");
    assertThat(ProcessBenchmark.ratio(Double.NaN, "")).isEqualTo("—");
  }
}
