package org.joblib4j.backend.ray;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Python process that reads and writes packages in a Ray cluster's GCS key-value store ({@code
 * gcs_packages.py}, run from this jar's copy with {@code python -I -c}). Ray's Java API uploads
 * nothing and has no key-value put; the cluster's own Python client does, with the same address,
 * token ({@code RAY_AUTH_MODE}, {@code RAY_AUTH_TOKEN}…) and TLS ({@code RAY_USE_TLS}…) settings as
 * this JVM, which it inherits from this JVM's environment.
 */
final class GcsPackages implements AutoCloseable {
  /** How long one answer may take: the script's own GCS timeouts are 60 s. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(150);

  private final Process process;
  private final Writer requests;
  private final BufferedReader answers;
  private final Path errors;
  private final String python;
  private final String address;

  private GcsPackages(Process process, Path errors, String python, String address) {
    this.process = process;
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.errors = errors;
    this.python = python;
    this.address = address;
  }

  /**
   * Starts the script for a cluster and waits until it is connected.
   *
   * @param python the interpreter, which must import Ray's own {@code ray} package
   * @param address the cluster's GCS address
   * @param folder a private folder for the script's error output
   */
  static GcsPackages open(String python, String address, Path folder) {
    Path errors;
    Process p;
    try {
      errors = Files.createTempFile(folder, "gcs-packages-", ".err");
      List<String> cmd = new ArrayList<>(List.of(python, "-I", "-c", script(), address));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.redirectError(errors.toFile());
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot start "
              + python
              + " to upload the classpath to the Ray cluster at "
              + address
              + " ("
              + e.getMessage()
              + "). Set joblib4j.backend.ray.python to a Python that has ray=="
              + RayRuntime.RAY_VERSION
              + ", or classpath-mode=shared when every node has this JVM's jars at the same paths.",
          e);
    }
    GcsPackages g = new GcsPackages(p, errors, python, address);
    g.expect("connect to the cluster's GCS", "ready");
    return g;
  }

  /** Whether the store holds this URI. */
  boolean has(String uri) {
    String answer = ask("has " + uri, "look up " + uri);
    return answer.equals("yes");
  }

  /**
   * Stores a file under a URI.
   *
   * @return the bytes stored
   */
  long put(String uri, Path file) {
    String answer = ask("put " + uri + " " + file.toAbsolutePath(), "store " + uri);
    return Long.parseLong(answer.substring("ok ".length()));
  }

  private String ask(String request, String what) {
    try {
      requests.write(request + "\n");
      requests.flush();
    } catch (IOException e) {
      throw failure(what, e.toString());
    }
    return expect(what, null);
  }

  /** Reads one answer line; a missing or unexpected one fails with the script's error output. */
  private String expect(String what, String exactly) {
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return answers.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    String answer;
    try {
      answer = line.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw failure(what, "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw failure(what, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw failure(what, "interrupted");
    }
    if (answer == null || (exactly != null && !answer.equals(exactly))) {
      throw failure(what, answer == null ? "it ended" : "it answered " + answer);
    }
    return answer;
  }

  private IllegalStateException failure(String what, String how) {
    String err = errorOutput();
    return new IllegalStateException(
        "Could not "
            + what
            + " through "
            + python
            + " (Ray's Python client, needed to ship the classpath to the Ray cluster at "
            + address
            + "): "
            + how
            + (err.isEmpty() ? "." : ". Its output:\n" + err)
            + "\nCheck that the address is the cluster's GCS, that this Python has ray=="
            + RayRuntime.RAY_VERSION
            + " (joblib4j.backend.ray.python), or use classpath-mode=shared when every node has this"
            + " JVM's jars at the same paths.");
  }

  private String errorOutput() {
    try {
      process.waitFor(2, TimeUnit.SECONDS);
      String text = Files.readString(errors, StandardCharsets.UTF_8).strip();
      String[] lines = text.split("\n");
      StringBuilder sb = new StringBuilder();
      for (int i = Math.max(0, lines.length - 12); i < lines.length; i++) {
        sb.append(i > Math.max(0, lines.length - 12) ? "\n" : "").append("  ").append(lines[i]);
      }
      return text.isEmpty() ? "" : sb.toString();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Ends the script (its stdin closes) and deletes its error output. */
  @Override
  public void close() {
    try {
      requests.close();
    } catch (IOException e) {
      // it is ending anyway
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(errors);
    } catch (IOException e) {
      // a temp file in the private folder
    }
  }

  private static String script() throws IOException {
    try (InputStream in = GcsPackages.class.getResourceAsStream("gcs_packages.py")) {
      if (in == null) {
        throw new IOException("gcs_packages.py is missing from the backend-ray jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
