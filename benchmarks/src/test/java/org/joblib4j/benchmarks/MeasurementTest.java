package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementTest {

  @Test
  void medianOfAnOddCountIsTheMiddleRun() {
    Measurement m = new Measurement("noop", "x", 1000, List.of(30L, 10L, 20L));
    assertThat(m.medianNanos()).isEqualTo(20.0);
    assertThat(m.tasksPerSecond()).isEqualTo(1000 / 20e-9);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(new Measurement("cpu", "x", 1, List.of(40L, 10L, 20L, 30L)).medianNanos())
        .isEqualTo(25.0);
  }

  @Test
  void formatsDurations() {
    assertThat(MarkdownReport.duration(850_000)).isEqualTo("850 µs");
    assertThat(MarkdownReport.duration(12_345_678)).isEqualTo("12.3 ms");
    assertThat(MarkdownReport.duration(31_870_000_000.0)).isEqualTo("31.87 s");
  }

  @Test
  void formatsSmallRatiosWithTwoSignificantDigits() {
    assertThat(MarkdownReport.ratio(1.234)).isEqualTo("1.23×");
    assertThat(MarkdownReport.ratio(0.005432)).isEqualTo("0.0054×");
  }
}
