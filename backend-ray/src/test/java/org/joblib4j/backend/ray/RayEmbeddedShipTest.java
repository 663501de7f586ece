package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.joblib4j.Parallel;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code classpath-mode=ship} with the embedded head: the package travels through its GCS as to any
 * cluster, and the workers load the caller's classes from it, not from the caller's paths. Runs in
 * the {@code own-clusters} fork: the JVM's Ray runtime is this class's.
 */
@Timeout(180)
class RayEmbeddedShipTest {
  @AfterAll
  static void stop() {
    RayRuntime.shutdown();
  }

  /** Where this class was loaded from, in the worker that runs it. */
  static String codeSource(int i) throws URISyntaxException {
    return Path.of(
            RayEmbeddedShipTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  @Test
  void theEmbeddedHeadsWorkersLoadTheCallersClassesFromThePackage() {
    RayTestSupport.requireRay();
    List<String> seen;
    try (LogCapture logs = LogCapture.of(RayPackage.class.getName())) {
      seen =
          Parallel.builder()
              .backend("ray", Map.of("classpath-mode", "ship", "head-cpus", 2))
              .build()
              .map(RayEmbeddedShipTest::codeSource, List.of(1, 2, 3));
      assertThat(logs.infos())
          .singleElement()
          .asString()
          .startsWith("Shipped this JVM's classpath to the Ray cluster at 127.0.0.1:");
    }
    String head = RayRuntime.current().head().dir().toString();
    assertThat(seen)
        .allSatisfy(
            s ->
                assertThat(s)
                    .startsWith(head)
                    .contains("/runtime_resources/java_jars_files/_ray_pkg_joblib4j_")
                    .endsWith(".jar"));

    // one Ray job per JVM: its way of loading classes stays
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("ray", Map.of("classpath-mode", "shared"))
                    .build()
                    .map(RayEmbeddedShipTest::codeSource, List.of(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "This JVM's Ray job loads the caller's classes from a shipped package"
                + " (classpath-mode=ship); a backend asking classpath-mode=shared cannot change that"
                + " (one Ray job per JVM). Give every ray backend of the JVM the same"
                + " classpath-mode, or call RayRuntime.shutdown() first.");
  }
}
