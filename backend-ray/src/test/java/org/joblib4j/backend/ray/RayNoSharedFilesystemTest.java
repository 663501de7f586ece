package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.InaccessibleObjectException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.tck.support.LogCapture;
import org.joblib4j.tck.support.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Ray cluster that shares nothing with the caller but the network: a head of its own ({@code ray
 * start --head} on 127.0.0.3 with no CPUs, so it runs no task) and a worker node joined with {@code
 * ray start --address} on 127.0.0.2, in its own mount namespace where every folder of the caller's
 * class path (the repository, the local Maven repository) is covered by an empty tmpfs, with its
 * own {@code HOME} and {@code TMPDIR}. Only Ray's own install stays visible, as on a real node. The
 * caller's classes reach it as a Ray package ({@code classpath-mode=ship}, the default for an
 * address), and tasks pinned to it (a {@code sandbox} resource) run the test's own code. Runs in a
 * JVM of its own (its surefire execution): Ray.init is process-wide.
 */
@Timeout(300)
class RayNoSharedFilesystemTest {
  static RayProcessCluster cluster;
  static Path sandbox;
  static String address;

  /** What a task saw where it ran. */
  record Seen(int visibleEntries, String codeSource, String mountNamespace, int value)
      implements Serializable {}

  /** A task of this test's own class: it exists only in the caller's target/test-classes. */
  static Seen look(List<String> callerClasspath, int i) throws URISyntaxException, IOException {
    int visible = 0;
    for (String e : callerClasspath) {
      if (new File(e).exists()) {
        visible++;
      }
    }
    return new Seen(
        visible,
        Path.of(
                RayNoSharedFilesystemTest.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
            .toString(),
        Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(),
        i * i);
  }

  @BeforeAll
  static void start() throws IOException {
    Sandbox.requireRoot();
    RayTestSupport.requireRay();
    // Ray's install (the wheel with ray_dist.jar) is what a node has installed itself
    Path rayHome = RayRuntime.distJar().toRealPath().getParent().getParent();
    List<Path> hidden = Sandbox.hiddenRoots(List.of(rayHome));
    cluster = RayProcessCluster.startHead("127.0.0.3", 0);
    address = cluster.address;
    sandbox = Files.createDirectories(cluster.dir.resolve("sb"));
    cluster.addNode(
        Sandbox.command(sandbox, hidden, false, List.of()),
        "127.0.0.2",
        2,
        "sandbox",
        sandbox.resolve("rt"),
        "node");
  }

  @AfterAll
  static void stop() throws IOException {
    RayRuntime.shutdown();
    if (cluster != null) {
      cluster.stop();
    }
  }

  @Test
  void theCallersClassesRunOnANodeThatCannotReadTheCallersClassPathAndTravelOnce()
      throws IOException {
    // the caller's class path but Ray's own jars, which the node has installed itself
    List<String> classpath = List.of(RayRuntime.codeSearchPath().split(File.pathSeparator));
    String ownNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
    Map<String, Object> options = Map.of("address", address, "resources", "sandbox=1");
    List<Seen> seen;
    List<String> firstInfos;
    try (LogCapture logs = LogCapture.of(RayPackage.class.getName())) {
      seen = run(options, classpath);
      firstInfos = logs.infos();
    }
    assertThat(seen).extracting(Seen::value).containsExactly(0, 1, 4, 9, 16, 25);
    Path packages = sandbox.resolve("rt");
    assertThat(seen)
        .allSatisfy(
            s -> {
              // not one entry of the caller's class path exists where the task ran
              assertThat(s.visibleEntries()).isZero();
              assertThat(s.mountNamespace()).isNotEqualTo(ownNamespace);
              // this class came from the package Ray's agent unzipped on that node
              assertThat(s.codeSource())
                  .startsWith(packages.toString())
                  .contains("/runtime_resources/java_jars_files/_ray_pkg_joblib4j_")
                  .endsWith(".jar");
            });
    assertThat(firstInfos)
        .singleElement()
        .asString()
        .startsWith("Shipped this JVM's classpath to the Ray cluster at " + address + ": ")
        .contains(" jars, ", " MB, as gcs://_ray_pkg_joblib4j_")
        .endsWith(" ms (once per content; every node downloads it once)");

    // without the package the node cannot load the caller's classes: the proof holds
    RayRuntime.shutdown();
    Map<String, Object> shared = new java.util.HashMap<>(options);
    shared.put("classpath-mode", "shared");
    assertThatThrownBy(() -> run(shared, classpath))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(RayBackend.rayFailure("task 0", new InaccessibleObjectException("")));

    // a new Ray job with the same classpath finds the package in the cluster: no second upload
    RayRuntime.shutdown();
    try (LogCapture logs = LogCapture.of(RayPackage.class.getName())) {
      assertThat(run(options, classpath)).extracting(Seen::value).contains(25);
      assertThat(logs.infos()).isEmpty();
    }
  }

  private static List<Seen> run(Map<String, Object> options, List<String> classpath) {
    return Parallel.builder()
        .backend("ray", options)
        .build()
        .run(
            IntStream.range(0, 6)
                .mapToObj(i -> delayed(RayNoSharedFilesystemTest::look, classpath, i)));
  }
}
