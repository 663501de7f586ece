package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.tck.support.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Dask worker that shares nothing with the caller but the network: it runs in its own mount
 * namespace, where every folder of the caller's class path (the repository and the local Maven
 * repository) is covered by an empty tmpfs, as another user ({@code nobody}) with its own {@code
 * HOME} and {@code TMPDIR}. With {@code classpath-mode=ship} the caller's classes reach it through
 * Dask, and tasks pinned to it (a {@code SANDBOX} resource) run the test's own code there.
 */
@Timeout(180)
class DaskNoSharedFilesystemTest {
  static DaskProcessCluster cluster;
  static Path sandbox;
  static List<Path> hidden;

  /** What a task saw in the sandboxed executor JVM. */
  record Seen(String user, int visibleEntries, String codeSource, int value)
      implements Serializable {}

  /** A task of this test's own class: it exists only in the caller's target/test-classes. */
  static Seen look(List<String> callerClasspath, int i) throws URISyntaxException {
    int visible = 0;
    for (String e : callerClasspath) {
      if (new File(e).exists()) {
        visible++;
      }
    }
    return new Seen(
        System.getProperty("user.name"),
        visible,
        Path.of(
                DaskNoSharedFilesystemTest.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
            .toString(),
        i * i);
  }

  @BeforeAll
  static void start() throws IOException {
    Sandbox.requireRoot();
    DaskTestSupport.requireDask();
    hidden = Sandbox.hiddenRoots(List.of());
    cluster = DaskProcessCluster.start("no-shared-fs", 0, 1, null, Map.of());
    sandbox = Files.createTempDirectory(Path.of("/tmp"), "joblib4j-sandbox-");
    Files.createDirectories(sandbox.resolve("work"));
    Sandbox.chownNobody(sandbox);
    Sandbox.chownNobody(sandbox.resolve("work"));
    List<String> wrapper = Sandbox.command(sandbox, hidden, true, List.of());
    cluster.addWorkerIn(wrapper, "sandboxed", sandbox.resolve("work"), "--resources", "SANDBOX=1");
    cluster.awaitWorkers(cluster.options(), 1);
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    Sandbox.deleteTree(sandbox);
  }

  @Test
  void theCallersClassesRunOnAWorkerThatCannotReadTheCallersClassPath() {
    List<String> classpath =
        List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    Map<String, Object> options =
        cluster.options("classpath-mode", "ship", "resources", "SANDBOX=1");
    List<Seen> seen =
        dask(options)
            .build()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(i -> delayed(DaskNoSharedFilesystemTest::look, classpath, i)));
    assertThat(seen).extracting(Seen::value).containsExactly(0, 1, 4, 9, 16, 25);
    String jars = sandbox.resolve("work").toString();
    assertThat(seen)
        .allSatisfy(
            s -> {
              assertThat(s.user()).isEqualTo("nobody");
              // not one entry of the caller's class path exists where the task ran
              assertThat(s.visibleEntries()).isZero();
              // this class came from the jars Dask shipped into the worker's own space
              assertThat(s.codeSource()).startsWith(jars).endsWith(".jar");
            });
    List<Map<String, Object>> executors = DaskClient.connect(options).executors();
    assertThat(executors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("classpath_mode")).isEqualTo("ship");
              assertThat(String.valueOf(e.get("classpath")).split(File.pathSeparator))
                  .isNotEmpty()
                  .allSatisfy(j -> assertThat(j).startsWith(jars + "/"));
            });
  }
}
