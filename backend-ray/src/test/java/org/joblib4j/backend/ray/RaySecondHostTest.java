package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.tck.support.HostProbe;
import org.joblib4j.tck.support.NetworkNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A Ray node on a second host in all but hardware: {@code ray start --address} in a network
 * namespace of its own, joined to the test's by a veth pair ({@link NetworkNamespace}); the head
 * (one CPU) listens on this side's address, so every byte to the node crosses a real interface.
 * Batches pinned to the node run there; when the whole host is lost mid-call (its processes killed
 * by PID, the namespace deleted), {@code max-retries} reruns the lost batches on the head and no
 * result is lost. Runs in the JVM of the {@code own-clusters} surefire execution, after or before
 * {@link RayNoSharedFilesystemTest}: each shuts this JVM's Ray runtime down when done.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaySecondHostTest {
  static NetworkNamespace host;
  static RayProcessCluster cluster;
  static String remoteNetwork;

  @BeforeAll
  static void createTheSecondHost() throws Exception {
    RayTestSupport.requireRay();
    host = NetworkNamespace.create("ray");
    remoteNetwork = host.network();
    cluster = RayProcessCluster.startHead(host.hostIp(), 1);
    cluster.addNode(host.exec(), host.farIp(), 2, "remote", cluster.dir.resolve("n"), "remote");
  }

  @AfterAll
  static void removeIt() throws Exception {
    RayRuntime.shutdown();
    if (host != null) {
      host.remove();
    }
    if (cluster != null) {
      cluster.stop();
    }
  }

  private static Map<String, Object> options(Object... more) {
    Map<String, Object> m = new HashMap<>();
    m.put("address", cluster.address);
    // the driver's raylet is the head's, on this side's address
    m.put("node-ip", host.hostIp());
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  @Test
  @Order(1)
  void batchesPinnedToTheSecondHostRunThere() throws IOException {
    assertThat(cluster.address).startsWith(host.hostIp() + ":");
    List<HostProbe.Ran> ran =
        Parallel.builder()
            .backend("ray", options("resources", "remote=1"))
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> delayed(HostProbe::square, i)));
    assertThat(ran).extracting(HostProbe.Ran::value).containsExactly(0, 1, 4, 9);
    assertThat(ran).extracting(HostProbe.Ran::network).containsOnly(remoteNetwork);
    assertThat(remoteNetwork).isNotEqualTo(NetworkNamespace.ownNetwork());
  }

  @Test
  @Order(2)
  void losingTheWholeSecondHostMidCallLosesNoResultWithRetries() throws Exception {
    Path marks = Files.createDirectories(cluster.dir.resolve("marks"));
    CompletableFuture<List<HostProbe.Ran>> call =
        CompletableFuture.supplyAsync(
            () ->
                Parallel.builder()
                    .backend("ray", options("max-retries", 2))
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 6)
                            .mapToObj(
                                i -> delayed(HostProbe::markHoldAndSquare, marks.toString(), i))));
    HostProbe.loseTheHostMidCall(host, marks, call, 6);
  }
}
