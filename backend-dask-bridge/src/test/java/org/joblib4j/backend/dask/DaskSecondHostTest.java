package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.joblib4j.tck.support.HostProbe;
import org.joblib4j.tck.support.NetworkNamespace;
import org.joblib4j.tck.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A second host in all but hardware: a Dask worker in a network namespace of its own, joined to the
 * test's by a veth pair the test creates ({@code 10.254.k.1/30} here, {@code 10.254.k.2/30} there:
 * addresses only on that pair), with TLS on, so every byte to it crosses a real network interface.
 * The scheduler and a local worker listen on this side's address. Losing that whole host mid-call
 * (its processes killed by PID, then the namespace deleted) loses no result: Dask runs its tasks
 * again on the local worker.
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaskSecondHostTest {
  static NetworkNamespace host;
  static Path certs;
  static DaskProcessCluster cluster;
  static String remoteNetwork;
  static Map<String, Object> options;

  @BeforeAll
  static void createTheSecondHost() throws Exception {
    DaskTestSupport.requireDask();
    host = NetworkNamespace.create("dask");
    remoteNetwork = host.network();

    certs = DaskTestSupport.testDir("second-host-tls");
    TestCertificates.ca(certs, "ca");
    TestCertificates.signed(certs, "node", "ca");
    cluster = DaskProcessCluster.startOn(host.hostIp(), "second-host", 1, 1, certs, Map.of());
    Path work = Files.createDirectories(cluster.dir.resolve("remote-work"));
    cluster.addWorkerIn(host.exec(), host.farIp(), "remote", work, "--resources", "REMOTE=1");
    options =
        Map.of(
            "scheduler", cluster.address(),
            "tls-ca-file", certs.resolve("ca.pem").toString(),
            "tls-cert", certs.resolve("node.pem").toString(),
            "tls-key", certs.resolve("node.key").toString());
    cluster.awaitWorkers(options, 2);
  }

  @AfterAll
  static void removeIt() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (host != null) {
      host.remove();
    }
  }

  @Test
  @Order(1)
  void tasksPinnedToTheSecondHostRunThereOverTls() throws IOException {
    assertThat(cluster.address()).matches("tls://" + host.hostIp().replace(".", "\\.") + ":\\d+");
    assertThat(DaskClient.connect(options).workers().keySet())
        .anySatisfy(w -> assertThat(w).startsWith("tls://" + host.farIp() + ":"))
        .anySatisfy(w -> assertThat(w).startsWith("tls://" + host.hostIp() + ":"));
    Map<String, Object> pinned = new java.util.HashMap<>(options);
    pinned.put("resources", "REMOTE=1");
    List<HostProbe.Ran> ran =
        dask(pinned)
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> delayed(HostProbe::square, i)));
    assertThat(ran).extracting(HostProbe.Ran::value).containsExactly(0, 1, 4, 9);
    assertThat(ran).extracting(HostProbe.Ran::network).containsOnly(remoteNetwork);
    assertThat(remoteNetwork).isNotEqualTo(NetworkNamespace.ownNetwork());
  }

  @Test
  @Order(2)
  void losingTheWholeSecondHostMidCallLosesNoResult() throws Exception {
    Path marks = Files.createDirectories(cluster.dir.resolve("marks"));
    CompletableFuture<List<HostProbe.Ran>> call =
        CompletableFuture.supplyAsync(
            () ->
                dask(options)
                    .nJobs(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 12)
                            .mapToObj(
                                i -> delayed(HostProbe::markHoldAndSquare, marks.toString(), i))));
    HostProbe.loseTheHostMidCall(host, marks, call, 12);
  }
}
