package org.joblib4j.backend.ray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.joblib4j.process.PrivateFolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ray's token authentication for the embedded head. Ray's Java driver reads {@code RAY_AUTH_MODE}
 * and the token ({@code RAY_AUTH_TOKEN}, {@code RAY_AUTH_TOKEN_PATH}, else {@code
 * ~/.ray/auth_token}) in its native library, from the process environment only, and a JVM cannot
 * change its own environment. So the head is secured when this JVM was started with {@code
 * RAY_AUTH_MODE=token} (the head inherits it; a missing default token file is created, as Python's
 * {@code ray.init()} does); otherwise it accepts every local user, and that is said once.
 */
final class RayAuth {
  private static final Logger LOG = LoggerFactory.getLogger(RayAuth.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  static final String INSECURE =
      "The embedded Ray head accepts connections from every local user: Ray's token authentication is off, so"
          + " anyone on this machine can run code as this user through it. Ray's Java driver reads its token"
          + " settings from the process environment only: start this JVM with RAY_AUTH_MODE=token to secure it"
          + " (joblib4j then creates ~/.ray/auth_token when neither RAY_AUTH_TOKEN nor RAY_AUTH_TOKEN_PATH is set),"
          + " or connect to a cluster of your own (joblib4j.backend.ray.address).";

  private RayAuth() {}

  /** For this JVM: whether the embedded head will require Ray's token. */
  static boolean prepareEmbeddedHead() {
    return prepareEmbeddedHead(System.getenv(), Path.of(System.getProperty("user.home")), WARNED);
  }

  /**
   * Makes sure a token exists when {@code env} asks for token authentication, else warns once.
   *
   * @return whether the head (which inherits {@code env}) requires the token
   * @throws IllegalStateException if {@code RAY_AUTH_TOKEN_PATH} names a missing or empty file
   */
  static boolean prepareEmbeddedHead(Map<String, String> env, Path home, AtomicBoolean warned) {
    String mode = env.get("RAY_AUTH_MODE");
    if (mode == null || !mode.trim().equalsIgnoreCase("token")) {
      if (warned.compareAndSet(false, true)) {
        LOG.warn(INSECURE);
      }
      return false;
    }
    if (!blank(env.get("RAY_AUTH_TOKEN"))) {
      return true;
    }
    String path = env.get("RAY_AUTH_TOKEN_PATH");
    if (!blank(path)) {
      if (!hasText(Path.of(path))) {
        // ray start would stop with a fatal error
        throw new IllegalStateException(
            "RAY_AUTH_MODE=token and RAY_AUTH_TOKEN_PATH="
                + path
                + ", but that file is missing or empty: the"
                + " embedded Ray head cannot start. Write a token into it, or unset RAY_AUTH_TOKEN_PATH (joblib4j"
                + " then uses ~/.ray/auth_token).");
      }
      return true;
    }
    Path token = home.resolve(".ray").resolve("auth_token");
    if (!hasText(token)) {
      create(token);
    }
    return true;
  }

  /** A new 256-bit token, hex-encoded as Ray's own generator does, readable by this user only. */
  private static void create(Path token) {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Path dir = token.getParent();
    try {
      // checked along its whole path: another user must not be able to swap the token
      PrivateFolders.create(dir);
      Path tmp =
          Files.createTempFile(
              dir,
              ".auth_token",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(tmp, HexFormat.of().formatHex(bytes), StandardCharsets.US_ASCII);
        try {
          Files.createLink(token, tmp); // complete or absent, never replacing another JVM's token
        } catch (FileAlreadyExistsException e) {
          if (!hasText(token)) {
            Files.move(
                tmp, token, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      LOG.info("Using the Ray authentication token {} for the embedded Ray head", token);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the Ray authentication token " + token + ": " + e, e);
    }
  }

  private static boolean hasText(Path p) {
    try {
      return Files.isRegularFile(p) && !Files.readString(p, StandardCharsets.US_ASCII).isBlank();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
