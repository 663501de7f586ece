package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.joblib4j.tck.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ray's TLS settings pass through: a JVM started with {@code RAY_USE_TLS=1} and Ray's three
 * certificate variables gets an embedded head whose GCS speaks mutual TLS with those certificates
 * (its processes inherit the JVM's environment), and a second driver with the same variables
 * connects to it by address, its classpath package uploaded over TLS by Ray's Python client. Ray's
 * Java driver reads these variables from its process environment only, so both drivers are JVMs of
 * their own ({@link EmbeddedHeadChild}).
 */
@Timeout(300)
class RayTlsTest {
  @TempDir static Path dir;
  static Process head;
  static String address;
  static final List<ProcessHandle> tree = new ArrayList<>();

  @BeforeAll
  static void startAHeadWithTls() throws Exception {
    RayTestSupport.requireRay();
    Path certs = Files.createDirectories(dir.resolve("certs"));
    TestCertificates.ca(certs, "ca");
    TestCertificates.signed(certs, "node", "ca");
    Path report = dir.resolve("report.txt");
    ProcessBuilder pb = tls(RayTestSupport.childJvm("head", report.toString()));
    head = pb.redirectErrorStream(true).redirectOutput(dir.resolve("head.log").toFile()).start();
    await("the TLS head's report")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Files.exists(report) || !head.isAlive());
    assertThat(report).as("the report; the child's log:\n%s", log("head.log")).exists();
    for (String line : Files.readAllLines(report)) {
      String[] w = line.split(" ", 3);
      switch (w[0]) {
        case "result" -> assertThat(line).isEqualTo("result [1, 4, 9]");
        case "address" -> address = w[1];
        case "dir" -> {}
        default -> ProcessHandle.of(Long.parseLong(w[1])).ifPresent(tree::add);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (head != null) {
      head.destroyForcibly();
    }
    // the watchdog stops the head when its JVM dies; anything left goes by PID
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** The environment of a JVM, a head and its workers on a TLS cluster. */
  private static ProcessBuilder tls(ProcessBuilder pb) {
    Path certs = dir.resolve("certs");
    Map<String, String> env = pb.environment();
    env.put("RAY_USE_TLS", "1");
    env.put("RAY_TLS_SERVER_CERT", certs.resolve("node.pem").toString());
    env.put("RAY_TLS_SERVER_KEY", certs.resolve("node.key").toString());
    env.put("RAY_TLS_CA_CERT", certs.resolve("ca.pem").toString());
    return pb;
  }

  @Test
  void theEmbeddedHeadsGcsSpeaksMutualTlsWithTheGivenCertificates() throws Exception {
    String[] hostPort = address.split(":");
    try (SSLSocket s =
        (SSLSocket)
            clientContext()
                .getSocketFactory()
                .createSocket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      s.setSoTimeout(10_000);
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=node");
    }
  }

  @Test
  void aDriverWithTheSameSettingsConnectsByAddressAndShipsItsClasspath() throws Exception {
    ProcessBuilder pb = tls(RayTestSupport.childJvm("connect", address, "ship"));
    Path log = dir.resolve("driver.log");
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    List<String> out = Files.readAllLines(log);
    assertThat(out)
        .as("the driver's log")
        .filteredOn(l -> l.startsWith("ACCEPTED") || l.startsWith("REFUSED"))
        .containsExactly("ACCEPTED [9]");
  }

  /** The test's client side: trusts the CA, presents the node's certificate. */
  private static SSLContext clientContext() throws Exception {
    Path certs = dir.resolve("certs");
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    Certificate ca;
    Certificate node;
    try (InputStream in = Files.newInputStream(certs.resolve("ca.pem"))) {
      ca = cf.generateCertificate(in);
    }
    try (InputStream in = Files.newInputStream(certs.resolve("node.pem"))) {
      node = cf.generateCertificate(in);
    }
    String pem = Files.readString(certs.resolve("node.key"), StandardCharsets.US_ASCII);
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("node", key, new char[0], new Certificate[] {node});
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static String log(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
