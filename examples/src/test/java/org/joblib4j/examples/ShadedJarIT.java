package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fat jar merges every backend jar's {@code META-INF/services} (shade's
 * ServicesResourceTransformer): without it the files overwrite each other and backends vanish.
 */
class ShadedJarIT {
  private static final Path JAR = Path.of("target", "joblib4j-examples.jar");

  @Test
  void theServicesFileListsEveryBackend() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String services =
          new String(jar.getInputStream(jar.getEntry("META-INF/services/org.joblib4j.spi.BackendProvider")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(services.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.toList()))
          .containsExactlyInAnyOrder(
              "org.joblib4j.core.sequential.SequentialBackendProvider",
              "org.joblib4j.backend.threading.ThreadingBackendProvider",
              "org.joblib4j.backend.loky.LokyBackendProvider",
              "org.joblib4j.backend.multiprocessing.MultiprocessingBackendProvider");
    }
  }

  @Test
  void theFatJarDiscoversEveryBackendAndRunsOnLoky() throws Exception {
    assertThat(Files.exists(JAR)).isTrue();
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djoblib4j.backend=loky",
                "-jar",
                JAR.toString(),
                "--small")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Backends.available() = [loky, multiprocessing, sequential, threading]");
    assertThat(out).contains("resolved backend=loky");
    List<String> lines = out.lines().collect(Collectors.toList());
    assertThat(lines).anyMatch(l -> l.contains("same scores in every run: true"));
  }

  @Test
  void helpListsTheInstalledBackends() throws Exception {
    Process p =
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "--help")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out)
        .startsWith("usage: java -jar joblib4j-examples.jar [--backend NAME] [--n-jobs N] [--verbose V] [--small] [--help]")
        .contains("installed: [loky, multiprocessing, sequential, threading] (default threading)");
  }
}
