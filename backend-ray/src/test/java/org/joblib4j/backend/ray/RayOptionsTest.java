package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.BackendContext;
import org.junit.jupiter.api.Test;

/** The ray options as the backend reads them, without a cluster. */
class RayOptionsTest {

  private static RayOptions options(Map<String, ?> m) {
    return RayOptions.from(new BackendContext("ray", m));
  }

  @Test
  void defaults() {
    RayOptions o = options(Map.of());
    assertThat(o.workerJvmOptions()).isEmpty();
    assertThat(o.cpusPerTask()).isEqualTo(1.0);
    assertThat(o.objectStoreMemory()).isEqualTo(256L * 1024 * 1024);
    assertThat(o.headStartTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  /**
   * Before: a list was read as the text "[-Dx=a b, -Xss2m]" and split into "[-Dx=a", "b,",
   * "-Xss2m]".
   */
  @Test
  void jvmOptionsAreAListOrSpaceSeparatedTextUnderEitherName() {
    assertThat(
            options(Map.of("worker-jvm-options", List.of("-Dx=a b", "-Xss2m"))).workerJvmOptions())
        .containsExactly("-Dx=a b", "-Xss2m");
    assertThat(options(Map.of("jvm-args", " -Dx=1  -Xss2m")).workerJvmOptions())
        .containsExactly("-Dx=1", "-Xss2m");
  }

  @Test
  void typedValuesAreRead() {
    RayOptions o =
        options(
            Map.of(
                "cpus-per-task",
                "0.5",
                "max-retries",
                2,
                "head-cpus",
                "3",
                "object-store-memory",
                "1g",
                "head-start-timeout",
                "90s"));
    assertThat(o.cpusPerTask()).isEqualTo(0.5);
    assertThat(o.maxRetries()).isEqualTo(2);
    assertThat(o.headCpus()).isEqualTo(3);
    assertThat(o.objectStoreMemory()).isEqualTo(1024L * 1024 * 1024);
    assertThat(o.headStartTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void badValuesFailNamingTheKeyTheValueAndWhatIsAccepted() {
    assertThatThrownBy(() -> options(Map.of("cpus-per-task", 0)))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value '0' for joblib4j.backend.ray.cpus-per-task: must be a number > 0 (Ray's Java default of 0"
                + " CPU gives unbounded concurrency).");
    assertThatThrownBy(() -> options(Map.of("cpus-per-task", "one")))
        .hasMessage(
            "Invalid value 'one' for joblib4j.backend.ray.cpus-per-task: must be a number.");
    assertThatThrownBy(() -> options(Map.of("max-retries", -1)))
        .hasMessage(
            "Invalid value '-1' for joblib4j.backend.ray.max-retries: must be an integer >= 0.");
    assertThatThrownBy(() -> options(Map.of("head-cpus", 0)))
        .hasMessage(
            "Invalid value '0' for joblib4j.backend.ray.head-cpus: must be an integer >= 1.");
    assertThatThrownBy(() -> options(Map.of("object-store-memory", "10m")))
        .hasMessage(
            "Invalid value '10m' for joblib4j.backend.ray.object-store-memory: must be a size of at least 78m (Ray's"
                + " minimum), such as 256m or 1g.");
    assertThatThrownBy(() -> options(Map.of("object-store-memory", "lots")))
        .hasMessage(
            "Invalid value 'lots' for joblib4j.backend.ray.object-store-memory: must be a size such as 500K, 1M, 2G"
                + " or a number of bytes.");
    assertThatThrownBy(() -> options(Map.of("jvm-args", "-Xss2m", "worker-jvm-options", "-Xss1m")))
        .hasMessage(
            "The option 'worker-jvm-options' of backend 'ray' is given twice (as 'worker-jvm-options' and as"
                + " 'jvm-args'): give it once.");
  }

  @Test
  void theClasspathIsSharedWithTheEmbeddedHeadAndShippedToAnAddress() {
    assertThat(options(Map.of()).shipClasspath()).isFalse();
    assertThat(options(Map.of("address", "10.0.0.5:6379")).shipClasspath()).isTrue();
    assertThat(
            options(Map.of("address", "10.0.0.5:6379", "classpath-mode", "shared")).shipClasspath())
        .isFalse();
    assertThat(options(Map.of("classpath-mode", "ship")).shipClasspath()).isTrue();
    assertThat(options(Map.of("python", "/opt/ray/bin/python3")).python())
        .isEqualTo("/opt/ray/bin/python3");
  }

  @Test
  void resourcesAreCustomRayResourcesWithPositiveAmounts() {
    assertThat(options(Map.of()).resources()).isEmpty();
    assertThat(options(Map.of("resources", "GPU=1,big-memory=0.5")).resources())
        .containsExactly(Map.entry("GPU", 1.0), Map.entry("big-memory", 0.5));
    assertThat(options(Map.of("resources", Map.of("sandbox", 2))).resources())
        .containsExactly(Map.entry("sandbox", 2.0));
    String accepted =
        ": must be a map of custom Ray resource names to numbers > 0, such as GPU=1,big-memory=1"
            + " (CPU is cpus-per-task).";
    assertThatThrownBy(() -> options(Map.of("resources", "GPU=0")))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage("Invalid value 'GPU=0' for joblib4j.backend.ray.resources" + accepted);
    assertThatThrownBy(() -> options(Map.of("resources", "GPU=lots")))
        .hasMessage("Invalid value 'GPU=lots' for joblib4j.backend.ray.resources" + accepted);
    assertThatThrownBy(() -> options(Map.of("resources", "CPU=2")))
        .hasMessage("Invalid value 'CPU=2' for joblib4j.backend.ray.resources" + accepted);
  }

  @Test
  void aBadClasspathModeOrShippingInLocalModeIsRefused() {
    assertThatThrownBy(() -> options(Map.of("classpath-mode", "copy")))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'copy' for joblib4j.backend.ray.classpath-mode: must be shared (every node has"
                + " this JVM's jars at the same paths) or ship (they travel as a Ray package).");
    assertThatThrownBy(() -> options(Map.of("classpath-mode", "ship", "local-mode", true)))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "joblib4j.backend.ray.classpath-mode=ship needs a cluster; local mode runs everything in"
                + " this JVM.");
  }
}
