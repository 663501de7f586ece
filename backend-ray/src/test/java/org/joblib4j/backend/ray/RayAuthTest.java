package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** When the embedded head requires Ray's token, and the one warning when it cannot. */
class RayAuthTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(RayAuth.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  @TempDir Path home;

  @BeforeEach
  void capture() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logs);
  }

  @Test
  void withoutTokenModeTheHeadIsOpenAndThatIsSaidOnce() {
    AtomicBoolean warned = new AtomicBoolean();
    assertThat(RayAuth.prepareEmbeddedHead(Map.of(), home, warned)).isFalse();
    assertThat(RayAuth.prepareEmbeddedHead(Map.of("RAY_AUTH_MODE", "disabled"), home, warned))
        .isFalse();
    List<ILoggingEvent> warnings =
        logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getFormattedMessage())
        .isEqualTo(
            "The embedded Ray head accepts connections from every local user: Ray's token authentication is off, so"
                + " anyone on this machine can run code as this user through it. Ray's Java driver reads its token"
                + " settings from the process environment only: start this JVM with RAY_AUTH_MODE=token to secure"
                + " it (joblib4j then creates ~/.ray/auth_token when neither RAY_AUTH_TOKEN nor RAY_AUTH_TOKEN_PATH"
                + " is set), or connect to a cluster of your own (joblib4j.backend.ray.address).");
    assertThat(home.resolve(".ray")).doesNotExist();
  }

  @Test
  void tokenModeCreatesAPrivateDefaultTokenOnce() throws IOException {
    Map<String, String> env = Map.of("RAY_AUTH_MODE", "token");
    assertThat(RayAuth.prepareEmbeddedHead(env, home, new AtomicBoolean())).isTrue();
    Path token = home.resolve(".ray").resolve("auth_token");
    String first = Files.readString(token);
    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token.getParent())))
        .isEqualTo("rwx------");
    assertThat(RayAuth.prepareEmbeddedHead(env, home, new AtomicBoolean())).isTrue();
    assertThat(Files.readString(token)).isEqualTo(first);
    try (var s = Files.list(token.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("auth_token");
    }
    assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN);
  }

  @Test
  void aTokenGivenInTheEnvironmentIsUsedAsItIs() {
    assertThat(
            RayAuth.prepareEmbeddedHead(
                Map.of("RAY_AUTH_MODE", "token", "RAY_AUTH_TOKEN", "abc"),
                home,
                new AtomicBoolean()))
        .isTrue();
    assertThat(home.resolve(".ray")).doesNotExist();
  }

  @Test
  void aMissingTokenFileIsAClearError() {
    Path missing = home.resolve("none");
    assertThatThrownBy(
            () ->
                RayAuth.prepareEmbeddedHead(
                    Map.of("RAY_AUTH_MODE", "token", "RAY_AUTH_TOKEN_PATH", missing.toString()),
                    home,
                    new AtomicBoolean()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "RAY_AUTH_MODE=token and RAY_AUTH_TOKEN_PATH="
                + missing
                + ", but that file is missing or empty:"
                + " the embedded Ray head cannot start. Write a token into it, or unset RAY_AUTH_TOKEN_PATH (joblib4j"
                + " then uses ~/.ray/auth_token).");
  }
}
