package org.joblib4j.backend.ray;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.joblib4j.process.OwnedFolders;
import org.joblib4j.process.WorkerLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private single-node Ray cluster on 127.0.0.1: {@code ray start --head --block} in a short temp
 * directory, under a {@link HeadWatchdog} JVM that stops it when this JVM closes the watchdog's
 * stdin or dies. Stopped by PID (never {@code ray stop}, which kills every Ray process on the
 * machine by name), then its directory is deleted. With {@code RAY_AUTH_MODE=token} in this JVM's
 * environment it requires Ray's token ({@link RayAuth}).
 */
final class EmbeddedHead {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHead.class);

  private final Process process;
  private final Path dir;
  private final String address;

  private EmbeddedHead(Process process, Path dir, String address) {
    this.process = process;
    this.dir = dir;
    this.address = address;
  }

  static EmbeddedHead start(RayOptions options, Path distJar) {
    String ray = rayExecutable(options, distJar);
    Path dir;
    try {
      // short: Ray's AF_UNIX socket paths under it must stay below 108 bytes; named after this
      // JVM, so that a later JVM removes it if this one is killed
      dir = OwnedFolders.create(options.tempDir(), "rayj");
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the Ray head's temp dir under " + options.tempDir() + ": " + e, e);
    }
    Path log = dir.resolve("head.log");
    RayAuth.prepareEmbeddedHead();
    List<String> rayCmd =
        List.of(
            ray,
            "start",
            "--head",
            "--block",
            "--node-ip-address=127.0.0.1",
            "--port=0",
            "--include-dashboard=false",
            "--num-cpus=" + options.headCpus(),
            "--object-store-memory=" + options.objectStoreMemory(),
            "--disable-usage-stats",
            "--temp-dir=" + dir.resolve("rt"));
    String java = WorkerLauncher.javaExecutable();
    ProcessBuilder pb = new ProcessBuilder(HeadWatchdog.command(java, dir, rayCmd));
    Map<String, String> env = pb.environment();
    // without it, ray start swaps 127.0.0.1 for the NIC address and binds to every interface
    env.put("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0");
    env.put("RAY_USAGE_STATS_ENABLED", "0");
    // the raylet starts Java workers with the `java` on its PATH: make it this JVM's
    String javaBin = Path.of(java).getParent().toString();
    env.put("PATH", javaBin + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    // stdin stays a pipe from this JVM, never written to: its end tells the watchdog to stop the
    // head
    Process p;
    long t0 = System.nanoTime();
    try {
      p = pb.start();
    } catch (IOException e) {
      deleteTree(dir);
      throw new RayUnavailableException(
          "Cannot start the embedded Ray head with '" + ray + "': " + e + ".", e);
    }
    EmbeddedHead head = new EmbeddedHead(p, dir, null);
    long deadline = t0 + options.headStartTimeout().toNanos();
    Path current = dir.resolve("rt").resolve("ray_current_cluster");
    try {
      while (true) {
        String text = read(log);
        if (text.contains("Ray runtime started") && Files.isRegularFile(current)) {
          String addr = Files.readString(current).trim();
          if (!addr.isEmpty()) {
            LOG.debug(
                "embedded Ray head pid {} at {} after {} ms",
                p.pid(),
                addr,
                (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedHead(p, dir, addr);
          }
        }
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "The embedded Ray head exited with code "
                  + p.exitValue()
                  + " before it was ready. Its log ("
                  + log
                  + "):\n"
                  + tail(text));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "The embedded Ray head was not ready after "
                  + options.headStartTimeout().toSeconds()
                  + " s (joblib4j.backend.ray.head-start-timeout). Its log:\n"
                  + tail(text));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      head.stop();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new IllegalStateException("Cannot start the embedded Ray head: " + e, e);
    }
  }

  String address() {
    return address;
  }

  /** The root of the head's process tree (its watchdog). */
  long pid() {
    return process.pid();
  }

  Path dir() {
    return dir;
  }

  /** The Java worker JVMs the raylet started under this head. */
  List<ProcessHandle> javaWorkers() {
    List<ProcessHandle> out = new ArrayList<>();
    try (Stream<ProcessHandle> all = process.descendants()) {
      all.filter(
              h ->
                  h.info()
                      .commandLine()
                      .map(c -> c.contains("io.ray.runtime.runner.worker.DefaultWorker"))
                      .orElse(false))
          .forEach(out::add);
    }
    return out;
  }

  /** Whether {@code pid} is a process of this head (a safety check before killing it). */
  boolean owns(long pid) {
    try (Stream<ProcessHandle> all = process.descendants()) {
      return all.anyMatch(h -> h.pid() == pid);
    }
  }

  /**
   * Closes the watchdog's stdin: it SIGTERMs {@code ray start} (which drains and stops its
   * children), kills what is left of the tree by PID and deletes the directory. Anything still
   * alive after that goes by PID from here.
   */
  void stop() {
    List<ProcessHandle> tree;
    try (Stream<ProcessHandle> all = process.descendants()) {
      tree = all.toList();
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the watchdog is gone already
    }
    try {
      if (!process.waitFor(HeadWatchdog.HEAD_GRACE.toSeconds() + 30, TimeUnit.SECONDS)) {
        LOG.warn(
            "The embedded Ray head's watchdog (pid {}) did not stop it in time; killing its processes",
            process.pid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ProcessTree.stop(process.toHandle(), tree, Duration.ofSeconds(10));
    deleteTree(dir);
  }

  static String rayExecutable(RayOptions options, Path distJar) {
    if (options.rayExecutable() != null) {
      return options.rayExecutable();
    }
    if (distJar != null) {
      // <venv>/lib/python3.X/site-packages/ray/jars/ray_dist.jar -> <venv>/bin/ray
      Path p = distJar.toAbsolutePath();
      for (int i = 0; i < 6 && p != null; i++) {
        p = p.getParent();
      }
      if (p != null && Files.isExecutable(p.resolve("bin").resolve("ray"))) {
        return p.resolve("bin").resolve("ray").toString();
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path c = Path.of(d, "ray");
        if (!d.isEmpty() && Files.isExecutable(c)) {
          return c.toString();
        }
      }
    }
    throw new RayUnavailableException(
        "No 'ray' executable was found for the embedded Ray head (looked next to "
            + distJar
            + " and on the PATH). Set joblib4j.backend.ray.ray-executable, or joblib4j.backend.ray.address to use"
            + " an existing cluster.");
  }

  static void deleteTree(Path root) {
    if (!HeadWatchdog.deleteTree(root)) {
      LOG.debug("could not delete {}", root);
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = Math.max(0, lines.length - 30); i < lines.length; i++) {
      sb.append("  ").append(lines[i]).append('\n');
    }
    return sb.toString();
  }
}
