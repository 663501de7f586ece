package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded head of another JVM, started with {@code RAY_AUTH_MODE=token}: a driver without the
 * token is refused, and the head's whole process tree and folder go when that JVM is SIGKILLed.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RayEmbeddedHeadLifetimeTest {
  @TempDir static Path dir;
  static Process child;
  static String address;
  static Path headDir;
  static final Map<ProcessHandle, String> tree = new LinkedHashMap<>();

  @BeforeAll
  static void startAHeadInAnotherJvm() throws IOException {
    RayTestSupport.requireRay();
    Path token = dir.resolve("token");
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.writeString(
        Files.createFile(
            token,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        HexFormat.of().formatHex(bytes));
    Path report = dir.resolve("report.txt");
    ProcessBuilder pb = RayTestSupport.childJvm("head", report.toString());
    pb.environment().put("RAY_AUTH_MODE", "token");
    pb.environment().put("RAY_AUTH_TOKEN_PATH", token.toString());
    child = pb.redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> Files.exists(report) || !child.isAlive());
    assertThat(report).as("the child's report; its log:\n%s", log("child.log")).exists();
    for (String line : Files.readAllLines(report)) {
      String[] w = line.split(" ", 3);
      switch (w[0]) {
        case "result" -> assertThat(line).isEqualTo("result [1, 4, 9]");
        case "address" -> address = w[1];
        case "dir" -> headDir = Path.of(w[1]);
        default -> ProcessHandle.of(Long.parseLong(w[1])).ifPresent(h -> tree.put(h, w[2]));
      }
    }
  }

  @AfterAll
  static void killWhatIsLeft() {
    if (child != null) {
      child.destroyForcibly();
    }
    tree.keySet().forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  @Order(1)
  void aDriverWithoutTheTokenIsRefused() throws Exception {
    assertThat(address).startsWith("127.0.0.1:");
    assertThat(strangerConnects("shared"))
        .contains("RPC error: InvalidAuthToken: Authentication token is missing or incorrect");
  }

  /** With {@code classpath-mode=ship} the package upload, the first contact, is refused. */
  @Test
  @Order(1)
  void aPackageUploadWithoutTheTokenIsRefused() throws Exception {
    assertThat(strangerConnects("ship"))
        .contains(
            "IllegalStateException: Could not connect to the cluster's GCS through ",
            "Ray's Python client, needed to ship the classpath to the Ray cluster at " + address,
            "Unauthenticated");
  }

  /** How a driver with neither Ray's token mode nor the token ends, on one line. */
  private static String strangerConnects(String classpathMode) throws Exception {
    ProcessBuilder pb = RayTestSupport.childJvm("connect", address, classpathMode);
    for (String v : List.of("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")) {
      pb.environment().remove(v);
    }
    Path stranger =
        Files.createDirectories(dir.resolve("stranger-home")); // no ~/.ray/auth_token there
    pb.environment().put("HOME", stranger.toString());
    Path log = dir.resolve("stranger-" + classpathMode + ".log");
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    List<String> out = Files.readAllLines(log);
    List<String> ends =
        out.stream().filter(l -> l.startsWith("ACCEPTED") || l.startsWith("REFUSED")).toList();
    assertThat(ends).as("the driver's end; its log:\n%s", String.join("\n", out)).hasSize(1);
    assertThat(ends.get(0)).startsWith("REFUSED");
    return ends.get(0);
  }

  @Test
  @Order(2)
  void theHeadDiesWithTheJvmThatStartedIt() {
    assertThat(tree.values())
        .as("the head's tree")
        .anyMatch(c -> c.contains("gcs_server"))
        .anyMatch(c -> c.contains("/raylet ") || c.contains("/raylet/raylet"))
        .anyMatch(c -> c.contains(" start --head --block"));
    assertThat(headDir).isDirectory();
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(tree.entrySet())
                  .filteredOn(e -> e.getKey().isAlive())
                  .as("processes of the head still alive")
                  .isEmpty();
              assertThat(headDir).doesNotExist();
            });
  }

  private static String log(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
