package org.joblib4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.junit.jupiter.api.Test;

class BackendContextTest {

  @Test
  void typedGettersParseTextAndKeepTypedValues() {
    BackendContext c =
        new BackendContext(
            "loky",
            Map.of("workers", "4", "n", 5, "flag", "TRUE", "idle", "300s", "t", 1.5, "d", Duration.ofMillis(7)));
    assertThat(c.integer("workers", 0)).isEqualTo(4);
    assertThat(c.integer("n", 0)).isEqualTo(5);
    assertThat(c.integer("absent", 9)).isEqualTo(9);
    assertThat(c.bool("flag", false)).isTrue();
    assertThat(c.duration("idle", null)).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.duration("t", null)).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.duration("d", null)).isEqualTo(Duration.ofMillis(7));
    assertThat(c.string("workers", null)).isEqualTo("4");
  }

  @Test
  void badValuesNameKeyValueAndWhatIsAllowed() {
    BackendContext c = new BackendContext("loky", Map.of("workers", "many", "flag", "yes", "idle", "soon"));
    assertThatThrownBy(() -> c.integer("workers", 0))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage("Invalid value 'many' for joblib4j.backend.loky.workers: must be an integer.");
    assertThatThrownBy(() -> c.bool("flag", false))
        .hasMessage("Invalid value 'yes' for joblib4j.backend.loky.flag: must be true or false.");
    assertThatThrownBy(() -> c.duration("idle", null))
        .hasMessage(
            "Invalid value 'soon' for joblib4j.backend.loky.idle: must be a duration such as 300s,"
                + " 500ms, 5m or PT5M (a bare number is seconds).");
  }

  @Test
  void unknownOptionsAreRejectedByName() {
    BackendContext c = new BackendContext("loky", Map.of("idle-timout", "3s"));
    assertThatThrownBy(() -> c.rejectUnknown(List.of("idle-timeout", "jvm-args")))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid option 'idle-timout' for backend 'loky' (joblib4j.backend.loky.idle-timout)."
                + " Known options: [idle-timeout, jvm-args]");
  }

  @Test
  void joblibsSnakeCaseKeysAreReadAsTheJavaKeys() {
    BackendContext c = new BackendContext("loky", Map.of("idle_worker_timeout", "3s"));
    assertThat(c.parameters()).containsOnlyKeys("idle-worker-timeout");
    assertThat(c.duration("idle-worker-timeout", null)).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(
            () -> new BackendContext("loky", Map.of("idle_worker_timeout", "3s", "idle-worker-timeout", "4s")))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "The option 'idle-worker-timeout' of backend 'loky' is given twice (as 'idle_worker_timeout' and as"
                + " 'idle-worker-timeout'): give it once.");
  }

  @Test
  void durationsParseEveryDocumentedForm() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("abc")).isNull();
    assertThat(Durations.seconds(Duration.ofSeconds(1))).isEqualTo("1");
    assertThat(Durations.seconds(Duration.ofMillis(250))).isEqualTo("0.25");
  }
}
