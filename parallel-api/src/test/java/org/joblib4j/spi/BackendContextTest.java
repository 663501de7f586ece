package org.joblib4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.support.Durations;
import org.junit.jupiter.api.Test;

class BackendContextTest {

  private static BackendContext loky(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return new BackendContext("loky", m);
  }

  private static void assertInvalid(Runnable read, String message) {
    assertThatThrownBy(read::run)
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(message);
  }

  @Test
  void getStringReadsTextAndSingleValuesAndRefusesLists() {
    BackendContext c = loky("heap", "512m", "dir", Path.of("/tmp/x"), "n", 4, "list", List.of("a"));
    assertThat(c.getString("heap")).isEqualTo("512m");
    assertThat(c.getString("dir")).isEqualTo("/tmp/x");
    assertThat(c.getString("n")).isEqualTo("4");
    assertThat(c.getString("absent")).isNull();
    assertThat(c.getString("absent", "d")).isEqualTo("d");
    assertInvalid(
        () -> c.getString("list"),
        "Invalid value '[a]' for joblib4j.backend.loky.list: must be a single value, not a list or a map.");
  }

  @Test
  void getBooleanReadsTrueAndFalseInAnyCase() {
    BackendContext c = loky("a", "TRUE", "b", false, "c", " false ", "bad", "yes");
    assertThat(c.getBoolean("a")).isTrue();
    assertThat(c.getBoolean("b", true)).isFalse();
    assertThat(c.getBoolean("c", true)).isFalse();
    assertThat(c.getBoolean("absent")).isNull();
    assertThat(c.getBoolean("absent", true)).isTrue();
    assertInvalid(
        () -> c.getBoolean("bad"),
        "Invalid value 'yes' for joblib4j.backend.loky.bad: must be true or false.");
  }

  @Test
  void getIntReadsIntegersWithinIntsRange() {
    BackendContext c =
        loky("s", " 4 ", "i", 5, "l", 6L, "big", 3_000_000_000L, "d", 1.5, "bad", "many");
    assertThat(c.getInt("s")).isEqualTo(4);
    assertThat(c.getInt("i", 0)).isEqualTo(5);
    assertThat(c.getInt("l", 0)).isEqualTo(6);
    assertThat(c.getInt("absent")).isNull();
    assertThat(c.getInt("absent", 9)).isEqualTo(9);
    assertInvalid(
        () -> c.getInt("bad"),
        "Invalid value 'many' for joblib4j.backend.loky.bad: must be an integer.");
    assertInvalid(
        () -> c.getInt("d"),
        "Invalid value '1.5' for joblib4j.backend.loky.d: must be an integer.");
    assertInvalid(
        () -> c.getInt("big"),
        "Invalid value '3000000000' for joblib4j.backend.loky.big: must be an integer.");
  }

  @Test
  void getLongReadsLargeIntegers() {
    BackendContext c = loky("big", "3000000000", "i", 7, "bad", "1e3");
    assertThat(c.getLong("big")).isEqualTo(3_000_000_000L);
    assertThat(c.getLong("i", 0)).isEqualTo(7L);
    assertThat(c.getLong("absent", 8)).isEqualTo(8L);
    assertInvalid(
        () -> c.getLong("bad"),
        "Invalid value '1e3' for joblib4j.backend.loky.bad: must be an integer.");
  }

  @Test
  void getDoubleReadsNumbers() {
    BackendContext c = loky("s", "0.5", "i", 2, "e", "2e9", "bad", "half", "nan", "NaN");
    assertThat(c.getDouble("s")).isEqualTo(0.5);
    assertThat(c.getDouble("i", 0)).isEqualTo(2.0);
    assertThat(c.getDouble("e", 0)).isEqualTo(2e9);
    assertThat(c.getDouble("absent", 1.5)).isEqualTo(1.5);
    assertInvalid(
        () -> c.getDouble("bad"),
        "Invalid value 'half' for joblib4j.backend.loky.bad: must be a number.");
    assertInvalid(
        () -> c.getDouble("nan"),
        "Invalid value 'NaN' for joblib4j.backend.loky.nan: must be a number.");
  }

  @Test
  void getSizeReadsJoblibsSizesAndNoneOnlyWhereNoneIsAllowed() {
    BackendContext c =
        loky(
            "k", "64K", "m", "1m", "g", "2G", "n", "123", "i", 4096, "none", "none", "neg", -1,
            "bad", "big");
    assertThat(c.getSize("k")).isEqualTo(64 * 1024L);
    assertThat(c.getSize("m")).isEqualTo(1024L * 1024);
    assertThat(c.getSize("g", 0)).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(c.getSize("n", 0)).isEqualTo(123L);
    assertThat(c.getSize("i", 0)).isEqualTo(4096L);
    assertThat(c.getSize("absent")).isNull();
    assertThat(c.getSize("absent", 5)).isEqualTo(5L);
    assertThat(c.getSize("none", 5, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(c.getSize("k", 5, 0)).isEqualTo(64 * 1024L);
    assertInvalid(
        () -> c.getSize("none"),
        "Invalid value 'none' for joblib4j.backend.loky.none: must be a size such as 500K, 1M, 2G or a number of bytes.");
    assertInvalid(
        () -> c.getSize("neg", 0),
        "Invalid value '-1' for joblib4j.backend.loky.neg: must be a size such as 500K, 1M, 2G or a number of bytes.");
    assertInvalid(
        () -> c.getSize("bad", 0, 0),
        "Invalid value 'big' for joblib4j.backend.loky.bad: must be a size such as 500K, 1M, 2G or a number of"
            + " bytes, or none.");
  }

  @Test
  void getDurationReadsDurationsSecondsAndText() {
    BackendContext c =
        loky("idle", "300s", "t", 1.5, "d", Duration.ofMillis(7), "iso", "PT5M", "bad", "soon");
    assertThat(c.getDuration("idle")).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.getDuration("t", null)).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.getDuration("d", null)).isEqualTo(Duration.ofMillis(7));
    assertThat(c.getDuration("iso", null)).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.getDuration("absent", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertInvalid(
        () -> c.getDuration("bad"),
        "Invalid value 'soon' for joblib4j.backend.loky.bad: must be a duration such as 300s,"
            + " 500ms, 5m or PT5M (a bare number is seconds).");
  }

  @Test
  void getListTakesAListAsAListAndSplitsText() {
    BackendContext c =
        loky(
            "list",
            List.of("a b", "c"),
            "array",
            new String[] {"x", "y"},
            "text",
            " a, b ,c ",
            "empty",
            "",
            "nulls",
            java.util.Arrays.asList("a", null),
            "map",
            Map.of("a", 1));
    assertThat(c.getList("list", null)).containsExactly("a b", "c");
    assertThat(c.getList("array", null)).containsExactly("x", "y");
    assertThat(c.getList("text", null)).containsExactly("a", "b", "c");
    assertThat(c.getList("empty", null)).isEmpty();
    assertThat(c.getList("absent", List.of("d"))).containsExactly("d");
    assertInvalid(
        () -> c.getList("nulls", null),
        "Invalid value '[a, null]' for joblib4j.backend.loky.nulls: must be a list, or text with its elements"
            + " separated by commas.");
    assertInvalid(
        () -> c.getList("map", null),
        "Invalid value '{a=1}' for joblib4j.backend.loky.map: must be a list, or text with its elements separated"
            + " by commas.");
  }

  @Test
  void getWordsTakesAListAsAListAndSplitsTextOnSpaces() {
    BackendContext c =
        loky(
            "list",
            List.of("-Xss2m", "-Dx=a b"),
            "text",
            " -Xss2m  -Dx=1 ",
            "array",
            new String[] {"-Xss2m"},
            "bad",
            Map.of("a", 1));
    assertThat(c.getWords("list", null)).containsExactly("-Xss2m", "-Dx=a b");
    assertThat(c.getWords("text", null)).containsExactly("-Xss2m", "-Dx=1");
    assertThat(c.getWords("array", null)).containsExactly("-Xss2m");
    assertThat(c.getWords("absent", List.of())).isEmpty();
    assertInvalid(
        () -> c.getWords("bad", null),
        "Invalid value '{a=1}' for joblib4j.backend.loky.bad: must be a list, or text with its elements separated"
            + " by spaces.");
  }

  @Test
  void getMapTakesAMapAsAMapAndReadsKeyValueText() {
    BackendContext c =
        loky(
            "map", Map.of("GPU", 1),
            "commas", "GPU=1, MEM=2e9",
            "semicolons", "a.b=1;c=x,y;",
            "bad", "GPU",
            "list", List.of("a=1"));
    assertThat(c.getMap("map", null)).containsExactly(Map.entry("GPU", 1));
    assertThat(c.getMap("commas", null))
        .containsExactly(Map.entry("GPU", "1"), Map.entry("MEM", "2e9"));
    assertThat(c.getMap("semicolons", null))
        .containsExactly(Map.entry("a.b", "1"), Map.entry("c", "x,y"));
    assertThat(c.getMap("absent", Map.of())).isEmpty();
    assertInvalid(
        () -> c.getMap("bad", null),
        "Invalid value 'GPU' for joblib4j.backend.loky.bad: must be a map, or key=value pairs separated by , or ;.");
    assertInvalid(
        () -> c.getMap("list", null),
        "Invalid value '[a=1]' for joblib4j.backend.loky.list: must be a map, or key=value pairs separated by , or ;.");
  }

  @Test
  void invalidValueWordsABackendsOwnCheckAsTheGettersDo() {
    BackendContext c = loky("max-in-flight", 0, "arr", new String[] {"a", "b"});
    assertThat(c.invalidValue("max-in-flight", "a positive integer"))
        .hasMessage(
            "Invalid value '0' for joblib4j.backend.loky.max-in-flight: must be a positive integer.");
    assertThat(c.invalidValue("arr", "text"))
        .hasMessage("Invalid value '[a, b]' for joblib4j.backend.loky.arr: must be text.");
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
  void joblibsSnakeCaseKeysAndAnyCaseAreReadAsTheJavaKeys() {
    BackendContext c =
        new BackendContext("loky", Map.of("idle_worker_timeout", "3s", "Max-In-Flight", "2"));
    assertThat(c.parameters()).containsOnlyKeys("idle-worker-timeout", "max-in-flight");
    assertThat(c.getDuration("idle-worker-timeout", null)).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.getInt("max_in_flight", 0)).isEqualTo(2);
    assertThatThrownBy(
            () ->
                new BackendContext(
                    "loky", Map.of("idle_worker_timeout", "3s", "idle-worker-timeout", "4s")))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "The option 'idle-worker-timeout' of backend 'loky' is given twice (as 'idle_worker_timeout' and as"
                + " 'idle-worker-timeout'): give it once.");
  }

  @Test
  void anOldNameIsReadAsTheNewOneAndNamedAsWrittenInMessages() {
    Map<String, String> aliases = Map.of("jvm-args", "worker-jvm-options");
    BackendContext c =
        loky("jvm_args", List.of("-Xss2m"), "max-in-flight", "x").withAliases(aliases);
    assertThat(c.parameters()).containsOnlyKeys("worker-jvm-options", "max-in-flight");
    assertThat(c.getWords("worker-jvm-options", null)).containsExactly("-Xss2m");
    assertThat(c.qualifiedKey("worker-jvm-options")).isEqualTo("joblib4j.backend.loky.jvm-args");
    BackendContext bad = loky("jvm-args", Map.of()).withAliases(aliases);
    assertInvalid(
        () -> bad.getWords("worker-jvm-options", null),
        "Invalid value '{}' for joblib4j.backend.loky.jvm-args: must be a list, or text with its elements separated"
            + " by spaces.");
    assertThatThrownBy(() -> bad.rejectUnknown(List.of("max-in-flight")))
        .hasMessage(
            "Invalid option 'jvm-args' for backend 'loky' (joblib4j.backend.loky.jvm-args). Known options:"
                + " [max-in-flight]");
    assertThatThrownBy(
            () -> loky("jvm-args", "-Xss2m", "worker-jvm-options", "-Xss1m").withAliases(aliases))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "The option 'worker-jvm-options' of backend 'loky' is given twice (as 'worker-jvm-options' and as"
                + " 'jvm-args'): give it once.");
  }

  @Test
  void theOldGettersReadAsTheNewOnes() {
    BackendContext c = loky("n", "4", "flag", "true", "idle", "2s", "s", "x");
    assertThat(c.integer("n", 0)).isEqualTo(4);
    assertThat(c.bool("flag", false)).isTrue();
    assertThat(c.duration("idle", null)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.string("s", null)).isEqualTo("x");
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

  @Test
  void aNumberMapReadsTextAndMapsAndSaysWhatItNeeds() {
    String accepted = "a map of resource names to numbers, such as GPU=1,MEM=2e9";
    assertThat(
            new BackendContext("dask", Map.of("resources", "GPU=1; MEM=2e9"))
                .getNumberMap("resources", accepted))
        .containsExactly(Map.entry("GPU", 1.0), Map.entry("MEM", 2e9));
    assertThat(
            new BackendContext("dask", Map.of("resources", Map.of("GPU", 2)))
                .getNumberMap("resources", accepted))
        .containsExactly(Map.entry("GPU", 2.0));
    assertThat(new BackendContext("dask", Map.of()).getNumberMap("resources", accepted)).isEmpty();
    assertThatThrownBy(
            () ->
                new BackendContext("dask", Map.of("resources", "GPU=lots"))
                    .getNumberMap("resources", accepted))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'GPU=lots' for joblib4j.backend.dask.resources: must be a map of"
                + " resource names to numbers, such as GPU=1,MEM=2e9.");
  }
}
