package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.tck.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutual TLS with certificates made here with {@code openssl}: a {@code dask scheduler} and a
 * {@code dask worker} that require TLS accept a client with a certificate of their CA and refuse
 * one signed by another CA, or none.
 */
@Timeout(180)
class DaskTlsTest {
  static Path certs;
  static DaskProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    DaskTestSupport.requireDask();
    certs = DaskTestSupport.testDir("tls");
    TestCertificates.ca(certs, "ca");
    TestCertificates.signed(certs, "node", "ca");
    TestCertificates.ca(certs, "rogue-ca");
    TestCertificates.signed(certs, "rogue", "rogue-ca");
    cluster = DaskProcessCluster.start("tls-cluster", 1, 1, certs, Map.of());
    cluster.awaitWorkers(good(), 1);
  }

  @AfterAll
  static void stop() {
    try {
      if (cluster != null) {
        DaskClient.connect(good()).close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  static Map<String, Object> good() {
    return cluster.options(
        "tls-ca-file", certs.resolve("ca.pem").toString(),
        "tls-cert", certs.resolve("node.pem").toString(),
        "tls-key", certs.resolve("node.key").toString());
  }

  @Test
  void aClientWithACertificateOfTheClusterCaIsAccepted() {
    assertThat(cluster.address()).startsWith("tls://127.0.0.1:");
    List<Integer> r =
        dask(good())
            .build()
            .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
    assertThat(r).isEqualTo(IntStream.range(1, 11).boxed().collect(Collectors.toList()));
    assertThat(DaskClient.connect(good()).schedulerAddress()).startsWith("tls://");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    Map<String, Object> rogue =
        cluster.options(
            "tls-ca-file", certs.resolve("ca.pem").toString(),
            "tls-cert", certs.resolve("rogue.pem").toString(),
            "tls-key", certs.resolve("rogue.key").toString(),
            "connect-timeout", "5s");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> dask(rogue).build().run(List.of(delayed(DaskTestSupport::inc, 1))))
        .isInstanceOf(DaskException.class)
        .hasMessageContaining("Could not connect to the Dask scheduler")
        .hasMessageContaining("handshake")
        .hasMessageContaining("TLS: CA");
    DaskTestSupport.assertWithin(Duration.ofSeconds(60), t0);
  }

  @Test
  void noClientCertificateIsRefused() {
    Map<String, Object> plain = cluster.options("connect-timeout", "5s");
    assertThatThrownBy(() -> dask(plain).build().run(List.of(delayed(DaskTestSupport::inc, 1))))
        .isInstanceOf(DaskException.class)
        .hasMessageContaining("Could not connect to the Dask scheduler")
        .hasMessageContaining("TLS");
  }

  @Test
  void aPrivateLocalClusterCanUseTlsToo() {
    Map<String, Object> o =
        Map.of(
            "scheduler",
            "local:1",
            "tls-ca-file",
            certs.resolve("ca.pem").toString(),
            "tls-cert",
            certs.resolve("node.pem").toString(),
            "tls-key",
            certs.resolve("node.key").toString());
    try {
      assertThat(DaskClient.connect(o).schedulerAddress()).startsWith("tls://127.0.0.1:");
      assertThat(
              dask(o)
                  .build()
                  .<Integer>run(
                      IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .containsExactly(1, 2, 3, 4);
    } finally {
      DaskClient.connect(o).close();
    }
  }
}
