package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.BackendContext;
import org.junit.jupiter.api.Test;

/**
 * The dask options as the backend reads them, without a cluster: lists, maps, old names, bad
 * values.
 */
class DaskOptionsTest {

  private static DaskOptions options(Object... keysAndValues) {
    Map<String, Object> m = new HashMap<>();
    m.put("scheduler", "local:1");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return DaskOptions.of(new BackendContext("dask", m));
  }

  @Test
  void jvmOptionsAreAListOrSpaceSeparatedTextUnderEitherName() {
    assertThat(options().workerJvmOptions).containsExactly("-XX:+UseSerialGC", "-Xshare:auto");
    assertThat(
            options("worker-jvm-options", List.of("-Dx=a b", "-Xss2m"), "worker-heap", "64m")
                .workerJvmOptions)
        .containsExactly("-Dx=a b", "-Xss2m", "-Xmx64m");
    assertThat(options("jvm-args", "-Dx=1  -Xss2m").workerJvmOptions)
        .containsExactly("-Dx=1", "-Xss2m");
  }

  @Test
  void theIdleTimeoutHasLokysNameAndKeepsDasksOld() {
    assertThat(options("idle-worker-timeout", "5s").workerIdleTimeout)
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(options("worker-idle-timeout", "6s").workerIdleTimeout)
        .isEqualTo(Duration.ofSeconds(6));
    assertThat(options("Worker_Idle_Timeout", "7s").workerIdleTimeout)
        .isEqualTo(Duration.ofSeconds(7));
    assertThatThrownBy(() -> options("worker-idle-timeout", "6s", "idle-worker-timeout", "5s"))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "The option 'idle-worker-timeout' of backend 'dask' is given twice (as 'worker-idle-timeout' and as"
                + " 'idle-worker-timeout'): give it once.");
  }

  @Test
  void theJarCachesKeepAWeekAndTwoGigabytesUnlessTold() {
    assertThat(options().jarCacheMaxAge).isEqualTo(Duration.ofDays(7));
    assertThat(options().jarCacheMaxBytes).isEqualTo(2L << 30);
    assertThat(options("jar-cache-max-age", "12h", "jar-cache-max-size", "500M"))
        .satisfies(
            o -> {
              assertThat(o.jarCacheMaxAge).isEqualTo(Duration.ofHours(12));
              assertThat(o.jarCacheMaxBytes).isEqualTo(500L << 20);
            });
    assertThatThrownBy(() -> options("jar-cache-max-age", "0s"))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value '0s' for joblib4j.backend.dask.jar-cache-max-age: must be a positive duration"
                + " such as 7d or 12h (how long an unused jar stays in the classpath caches).");
    assertThatThrownBy(() -> options("jar-cache-max-size", "lots"))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageStartingWith(
            "Invalid value 'lots' for joblib4j.backend.dask.jar-cache-max-size");
  }

  @Test
  void submitOptionsTakeListsAndMapsAsGivenOrAsText() {
    assertThat(options("workers", List.of("tcp://a:1", "tcp://b:2")).submitOptions.get("workers"))
        .isEqualTo(List.of("tcp://a:1", "tcp://b:2"));
    assertThat(options("workers", "tcp://a:1, tcp://b:2").submitOptions.get("workers"))
        .isEqualTo(List.of("tcp://a:1", "tcp://b:2"));
    // resource amounts are numbers, read as every backend reads them (BackendContext.getNumberMap)
    assertThat(options("resources", Map.of("GPU", 1)).submitOptions.get("resources"))
        .isEqualTo(Map.of("GPU", 1.0));
    assertThat(options("resources", "GPU=1;MEM=2e9").submitOptions.get("resources"))
        .isEqualTo(Map.of("GPU", 1.0, "MEM", 2e9));
    assertThat(options("retries", "2", "priority", 3, "allow-other-workers", "true").submitOptions)
        .containsEntry("retries", 2)
        .containsEntry("priority", 3)
        .containsEntry("allow_other_workers", true);
  }

  @Test
  void daskConfigValuesKeepTheirTypes() {
    assertThat(options("dask-config", "a.b=1;c=true;d=x,y;e=1.5").daskConfig)
        .containsExactly(
            Map.entry("a.b", 1L), Map.entry("c", true), Map.entry("d", "x,y"), Map.entry("e", 1.5));
    assertThat(options("dask-config", Map.of("a", "2")).daskConfig)
        .containsExactly(Map.entry("a", 2L));
  }

  @Test
  void sharingOptionsAreReadAsEveryProcessBackendReadsThem() {
    DaskOptions o =
        options("scatter", List.of("x"), "auto-scatter", "false", "auto-scatter-threshold", "1M");
    assertThat(o.scatter).containsExactly("x");
    assertThat(o.autoScatter).isFalse();
    assertThat(o.autoScatterThreshold).isEqualTo(1024L * 1024);
    assertThat(options("auto-scatter-threshold", "none").autoScatterThreshold)
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void badValuesFailNamingTheKeyTheValueAndWhatIsAccepted() {
    assertThatThrownBy(() -> options("resources", "GPU=many"))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'GPU=many' for joblib4j.backend.dask.resources: must be a map of resource names to"
                + " numbers, such as GPU=1,MEM=2e9.");
    assertThatThrownBy(() -> options("dask-config", "no-equals-sign"))
        .hasMessage(
            "Invalid value 'no-equals-sign' for joblib4j.backend.dask.dask-config: must be a map, or key=value pairs"
                + " separated by , or ;.");
    assertThatThrownBy(() -> options("local-threads", 0))
        .hasMessage(
            "Invalid value '0' for joblib4j.backend.dask.local-threads: must be a positive integer.");
    assertThatThrownBy(() -> options("jvm-args", Map.of("a", 1)))
        .hasMessage(
            "Invalid value '{a=1}' for joblib4j.backend.dask.jvm-args: must be a list, or text with its elements"
                + " separated by spaces.");
    assertThatThrownBy(() -> options("retries", "often"))
        .hasMessage("Invalid value 'often' for joblib4j.backend.dask.retries: must be an integer.");
    assertThatThrownBy(() -> options("scatter", 3))
        .hasMessage("scatter must be a list/tuple, got `Integer`");
  }
}
