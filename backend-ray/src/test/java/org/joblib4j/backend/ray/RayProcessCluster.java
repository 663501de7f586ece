package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.tck.support.Sandbox;

/**
 * A Ray cluster of its own, as an operator runs one: {@code ray start --head --block} and worker
 * nodes joined with {@code ray start --address --block}, each optionally inside a wrapper command
 * (a mount or network namespace), with Ray's multi-node mode on (the embedded head's {@code
 * RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0} keeps a single node). Everything is stopped by the PIDs it
 * started, never by name ({@code ray stop} kills every Ray process on the machine).
 */
final class RayProcessCluster {
  final Path dir;
  final String address;
  private final String ray;
  private final List<ProcessHandle> started = new ArrayList<>();

  private RayProcessCluster(Path dir, String ray, String headIp, int headCpus) throws IOException {
    this.dir = dir;
    this.ray = ray;
    start(
        List.of(),
        List.of(
            "--head",
            "--node-ip-address=" + headIp,
            "--port=0",
            "--include-dashboard=false",
            "--num-cpus=" + headCpus),
        dir.resolve("h"),
        dir.resolve("head.log"));
    Path cluster = dir.resolve("h").resolve("ray_current_cluster");
    await("the head's address in " + cluster)
        .atMost(Duration.ofSeconds(90))
        .until(() -> Files.exists(cluster) && !Files.readString(cluster).isBlank());
    this.address = Files.readString(cluster, StandardCharsets.UTF_8).strip();
  }

  /**
   * Starts a head node.
   *
   * @param headIp its address
   * @param headCpus the CPUs it offers (0: it runs no task)
   */
  static RayProcessCluster startHead(String headIp, int headCpus) throws IOException {
    RayTestSupport.requireRay();
    String ray =
        EmbeddedHead.rayExecutable(
            RayOptions.from(BackendContext.empty("ray")), RayRuntime.distJar());
    // short: Ray's AF_UNIX socket paths below it must stay under 108 bytes
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "rayc");
    return new RayProcessCluster(dir, ray, headIp, headCpus);
  }

  /**
   * Joins a worker node and waits until it is up.
   *
   * @param wrapper the command it runs in (empty: none)
   * @param ip its address
   * @param cpus its CPUs
   * @param resource a custom resource it offers as many of as CPUs
   * @param tempDir its own Ray folder
   * @param name its log's name
   */
  void addNode(
      List<String> wrapper, String ip, int cpus, String resource, Path tempDir, String name)
      throws IOException {
    Path log = dir.resolve(name + ".log");
    Process node =
        start(
            wrapper,
            List.of(
                "--address=" + address,
                "--node-ip-address=" + ip,
                "--num-cpus=" + cpus,
                "--resources={\"" + resource + "\": " + cpus + "}"),
            tempDir,
            log);
    await("the node " + name + " to join (" + log + ")")
        .atMost(Duration.ofSeconds(90))
        .until(() -> !node.isAlive() || Files.readString(log).contains("Ray runtime started"));
    assertThat(node.isAlive()).as("the node %s: %s", name, Files.readString(log)).isTrue();
  }

  private Process start(List<String> wrapper, List<String> args, Path tempDir, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(List.of(ray, "start", "--block"));
    cmd.addAll(args);
    cmd.addAll(
        List.of(
            "--object-store-memory=" + (100L << 20),
            "--disable-usage-stats",
            "--temp-dir=" + tempDir));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER");
    pb.environment().put("RAY_USAGE_STATS_ENABLED", "0");
    // a lost node is noticed in about 3 s instead of Ray's 30 s (its health checks)
    pb.environment().put("RAY_health_check_initial_delay_ms", "1000");
    pb.environment().put("RAY_health_check_period_ms", "1000");
    pb.environment().put("RAY_health_check_timeout_ms", "1000");
    pb.environment().put("RAY_health_check_failure_threshold", "3");
    // the raylet starts Java workers with the java on its PATH: this JVM's
    String javaBin =
        Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().toString();
    pb.environment().put("PATH", javaBin + File.pathSeparator + System.getenv("PATH"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    started.add(p.toHandle());
    return p;
  }

  /**
   * Stops the nodes, then the head (SIGTERM to {@code ray start --block} stops its children), by
   * PID; checks every process of their trees is gone; deletes the folder.
   */
  void stop() throws IOException {
    for (int i = started.size() - 1; i >= 0; i--) {
      ProcessHandle h = started.get(i);
      List<ProcessHandle> tree = h.descendants().toList();
      ProcessTree.stop(h, tree, Duration.ofSeconds(10));
      for (ProcessHandle p : tree) {
        assertThat(p.isAlive()).as("process %s of %s", p.pid(), h.pid()).isFalse();
      }
    }
    Sandbox.deleteTree(dir);
  }
}
