package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.tck.support.LogCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Running a cluster: a worker host without Java fails the call naming the host and what to install;
 * the classpath upload is reported with its size; a worker's jar cache is pruned by age and size.
 */
@Timeout(180)
class DaskOperationsTest {
  private static final String NO_JAVA = "/opt/joblib4j-no-java-here/bin/java";

  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @Test
  void aHostWithoutJavaFailsNamingItAndTheUploadIsReportedAndItsJarCacheIsPruned()
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/nonexistent-joblib4j-test-path");
    env.put("JAVA_HOME", null);
    try (DaskProcessCluster cluster = DaskProcessCluster.start("nojava", 1, 1, null, env)) {
      Map<String, Object> options =
          cluster.options(
              "worker-java", NO_JAVA, "jar-cache-max-age", "7d", "jar-cache-max-size", "1k");
      try (LogCapture log = LogCapture.of("org.joblib4j.backend.dask.Sidecar")) {
        cluster.awaitWorkers(options, 1);
        assertThatThrownBy(
                () -> dask(options).build().run(List.of(delayed(DaskTestSupport::inc, 1))))
            .isInstanceOf(DaskException.class)
            .hasMessageMatching(
                "The executor JVM for task 0 could not start: there is no Java runtime on Dask"
                    + " worker tcp://127\\.0\\.0\\.1:\\d+ \\(host [^)]+\\): '"
                    + NO_JAVA.replace(".", "\\.")
                    + "' is not there, no java is on the worker's PATH and JAVA_HOME is not set\\."
                    + " Install a Java 17 or newer runtime on that host \\(Debian/Ubuntu: apt-get"
                    + " install openjdk-17-jre-headless\\), or set"
                    + " joblib4j\\.backend\\.dask\\.worker-java to its java\\.");
        assertThat(log.infos())
            .singleElement()
            .asString()
            .matches(
                "Sent the classpath to the Dask workers of tcp://127\\.0\\.0\\.1:\\d+: \\d+ jars,"
                    + " \\d+\\.\\d MB \\(once per classpath and worker options: workers keep the"
                    + " jars in their jar cache, and a later client with the same classpath and"
                    + " options sends nothing\\)");
      }

      // jars the host cached for earlier classpaths: unused for 30 days, unused for 2 hours (the
      // cache is over its 1 kB), used a minute ago (within the hour's grace)
      Map<String, Object> executor = DaskClient.connect(options).executors().get(0);
      String classpath = String.valueOf(executor.get("classpath"));
      Path cache = Path.of(classpath.split(":")[0]).getParent();
      Path month = stale(cache, "a".repeat(64) + ".jar", Duration.ofDays(30));
      Path hours = stale(cache, "b".repeat(64) + ".jar", Duration.ofHours(2));
      Path minute = stale(cache, "c".repeat(64) + ".jar", Duration.ofMinutes(1));
      Path leftover = stale(cache, "d".repeat(64) + ".jar.123.tmp", Duration.ofDays(30));
      Path other = Files.writeString(cache.resolve("notes.txt"), "not a jar");
      Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofDays(60))));

      // another client's options register a second plugin: its set-up on the worker prunes
      Map<String, Object> second = new HashMap<>(options);
      second.put("idle-worker-timeout", "30s");
      assertThatThrownBy(() -> dask(second).build().run(List.of(delayed(DaskTestSupport::inc, 1))))
          .hasMessageContaining("there is no Java runtime on Dask worker");
      assertThat(month).doesNotExist();
      assertThat(hours).doesNotExist();
      assertThat(leftover).doesNotExist();
      assertThat(minute).exists();
      assertThat(other).exists();
      for (String jar : classpath.split(":")) {
        assertThat(Path.of(jar)).as("a jar of the classpath in use").exists();
      }
      assertThat(
              DaskClient.connect(second).executors().stream()
                  .flatMap(e -> ((List<?>) e.get("pruned_jars")).stream())
                  .map(String::valueOf))
          .contains(month.toString(), hours.toString());
    }
  }

  /** A file of a host's jar cache (a jar, or a leftover temporary file) last used {@code ago}. */
  private static Path stale(Path cache, String name, Duration ago) throws Exception {
    Path file = Files.write(cache.resolve(name), new byte[4096]);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(ago)));
    return file;
  }
}
