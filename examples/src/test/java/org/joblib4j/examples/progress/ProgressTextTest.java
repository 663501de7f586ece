package org.joblib4j.examples.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTextTest {

  @Test
  void clockShowsMinutesSecondsAndTenths() {
    assertThat(ProgressText.clock(Duration.ZERO)).isEqualTo("0:00.0");
    assertThat(ProgressText.clock(Duration.ofMillis(1_299))).isEqualTo("0:01.2");
    assertThat(ProgressText.clock(Duration.ofMillis(65_300))).isEqualTo("1:05.3");
    assertThat(ProgressText.clock(Duration.ofMinutes(61))).isEqualTo("61:00.0");
  }

  @Test
  void anEmptyCallIsAFullBar() {
    ProgressCounts none = new ProgressCounts(0);
    assertThat(ProgressText.bar(none)).isEqualTo("[################]");
    assertThat(ProgressText.status(none, "done"))
        .isEqualTo("0/0 100% | 0.0 tasks/s | 0:00.0 | done");
  }
}
