package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.spi.BackendContext;
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
  static Path dir;
  static Path sandbox;
  static Process head;
  static Process node;
  static String address;
  static final List<ProcessHandle> started = new ArrayList<>();

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
    Path distJar = RayRuntime.distJar();
    String ray = EmbeddedHead.rayExecutable(RayOptions.from(BackendContext.empty("ray")), distJar);
    // Ray's install (the wheel with ray_dist.jar) is what a node has installed itself
    Path rayHome = distJar.toRealPath().getParent().getParent();
    List<Path> hidden = Sandbox.hiddenRoots(List.of(rayHome));
    // short: Ray's AF_UNIX socket paths below it must stay under 108 bytes
    dir = Files.createTempDirectory(Path.of("/tmp"), "rayns");
    sandbox = Files.createDirectories(dir.resolve("sb"));
    head =
        start(
            List.of(
                ray,
                "start",
                "--head",
                "--block",
                "--node-ip-address=127.0.0.3",
                "--port=0",
                "--include-dashboard=false",
                "--num-cpus=0",
                "--object-store-memory=" + (100L << 20),
                "--disable-usage-stats",
                "--temp-dir=" + dir.resolve("h")),
            dir.resolve("head.log"));
    Path cluster = dir.resolve("h").resolve("ray_current_cluster");
    await("the head's address in " + cluster)
        .atMost(Duration.ofSeconds(90))
        .until(() -> Files.exists(cluster) && !Files.readString(cluster).isBlank());
    address = Files.readString(cluster, StandardCharsets.UTF_8).strip();
    node =
        start(
            Sandbox.command(
                sandbox,
                hidden,
                false,
                List.of(
                    ray,
                    "start",
                    "--address=" + address,
                    "--block",
                    "--node-ip-address=127.0.0.2",
                    "--num-cpus=2",
                    "--resources={\"sandbox\": 2}",
                    "--object-store-memory=" + (100L << 20),
                    "--disable-usage-stats",
                    "--temp-dir=" + sandbox.resolve("rt"))),
            dir.resolve("node.log"));
    Path nodeLog = dir.resolve("node.log");
    await("the sandboxed node to join (" + nodeLog + ")")
        .atMost(Duration.ofSeconds(90))
        .until(() -> !node.isAlive() || Files.readString(nodeLog).contains("Ray runtime started"));
    assertThat(node.isAlive()).as("the sandboxed node: %s", Files.readString(nodeLog)).isTrue();
  }

  /**
   * Starts a process with Ray's multi-node mode on (the embedded head's {@code
   * RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0} keeps a single node), this JVM's {@code java} first on the
   * PATH (the raylet starts Java workers with it).
   */
  private static Process start(List<String> cmd, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER");
    pb.environment().put("RAY_USAGE_STATS_ENABLED", "0");
    String javaBin =
        Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().toString();
    pb.environment().put("PATH", javaBin + File.pathSeparator + System.getenv("PATH"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    started.add(p.toHandle());
    return p;
  }

  @AfterAll
  static void stop() throws IOException {
    RayRuntime.shutdown();
    // the node first, then the head; by PID: SIGTERM to `ray start --block` stops its children
    for (int i = started.size() - 1; i >= 0; i--) {
      ProcessHandle h = started.get(i);
      List<ProcessHandle> tree = h.descendants().toList();
      ProcessTree.stop(h, tree, Duration.ofSeconds(30));
      for (ProcessHandle p : tree) {
        assertThat(p.isAlive()).as("process %s of %s", p.pid(), h.pid()).isFalse();
      }
    }
    if (dir != null) {
      Sandbox.deleteTree(dir);
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
        .hasRootCauseInstanceOf(IllegalStateException.class)
        .rootCause()
        .hasMessageStartingWith("Ray failed to run task 0")
        .hasMessageContaining("use joblib4j.backend.ray.classpath-mode=ship.");

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
