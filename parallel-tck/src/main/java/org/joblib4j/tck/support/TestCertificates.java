package org.joblib4j.tck.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates for TLS tests, made with {@code openssl} (which {@code .ci/run} installs). */
public final class TestCertificates {
  private TestCertificates() {}

  /**
   * A self-signed CA, {@code <name>.pem} and {@code <name>.key}.
   *
   * @param certs the folder
   * @param name its file names
   */
  public static void ca(Path certs, String name) throws IOException, InterruptedException {
    openssl(
        certs,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".pem",
        "-days",
        "2",
        "-subj",
        "/CN=joblib4j-test-" + name);
  }

  /**
   * A certificate for 127.0.0.1 signed by a CA of {@link #ca}, {@code <name>.pem} and {@code
   * <name>.key} (PKCS#8, unencrypted).
   *
   * @param certs the folder
   * @param name its file names
   * @param ca the CA's name
   */
  public static void signed(Path certs, String name, String ca)
      throws IOException, InterruptedException {
    openssl(
        certs,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + name);
    Files.writeString(
        certs.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n", StandardCharsets.UTF_8);
    openssl(
        certs,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".pem",
        "-CAkey",
        ca + ".key",
        "-CAcreateserial",
        "-out",
        name + ".pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf");
  }

  private static void openssl(Path certs, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(certs.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(
          "openssl " + String.join(" ", args) + " failed (install openssl): " + out);
    }
  }
}
