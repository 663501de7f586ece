package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.joblib4j.process.WorkerLauncher;

/** Shared helpers. The Ray tests never skip: without Ray they fail and say how to install it. */
final class RayTestSupport {
  private RayTestSupport() {}

  /** Fails loudly with the install hint when the Ray runtime jar is missing. */
  static void requireRay() {
    String jar = System.getProperty("ray.test.dist.jar");
    try {
      RayRuntime.checkAvailable();
    } catch (RayUnavailableException e) {
      fail(
          "RAY IS NOT INSTALLED: the backend-ray tests need the Ray "
              + RayRuntime.RAY_VERSION
              + " runtime jar, expected at "
              + jar
              + " (or $RAY_DIST_JAR). .ci/run installs it; by hand: "
              + e.getMessage());
    }
  }

  /**
   * A JVM of its own running {@link EmbeddedHeadChild} with this test class path and the flags Ray
   * needs.
   */
  static ProcessBuilder childJvm(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(WorkerLauncher.javaExecutable());
    for (String pkg : RayRuntime.ADD_OPENS) {
      cmd.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
    }
    cmd.add("-cp");
    cmd.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
            .replace(File.pathSeparator + File.pathSeparator, File.pathSeparator));
    cmd.add(EmbeddedHeadChild.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** The entries of /tmp/ray (Ray's hard-coded native-library and local-mode directories). */
  static Set<String> rayTmp() {
    Set<String> out = new HashSet<>();
    Path d = Path.of("/tmp/ray");
    if (Files.isDirectory(d)) {
      try (Stream<Path> s = Files.list(d)) {
        s.forEach(p -> out.add(p.getFileName().toString()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** New /tmp/ray entries that this JVM's Ray runtime would have leaked. */
  static List<String> leakedSince(Set<String> before) {
    List<String> out = new ArrayList<>();
    String pid = "_" + ProcessHandle.current().pid();
    for (String n : rayTmp()) {
      if (!before.contains(n) && (n.chars().allMatch(Character::isDigit) || n.endsWith(pid))) {
        out.add(n);
      }
    }
    return out;
  }

  // ---- tasks (static methods: their class is on the workers' code search path)

  static int square(int x) {
    return x * x;
  }

  static int failAt(int x) {
    if (x == 3) {
      throw new IllegalStateException("boom-" + x);
    }
    return x;
  }

  /** Writes this worker's PID to {@code pidFile}, then works for up to 30 s (the test kills it). */
  static String writePidAndHang(String pidFile) throws IOException {
    Path f = Path.of(pidFile);
    if (Files.exists(f)) {
      return "second attempt in pid " + ProcessHandle.current().pid();
    }
    Path tmp = Path.of(pidFile + ".tmp");
    Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
    Files.move(tmp, f);
    long end = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(10_000_000L);
    }
    return "not killed";
  }

  /** CPU-bound work whose result cannot be optimized away. */
  static long spin(long iterations) {
    long h = 1125899906842597L;
    for (long i = 0; i < iterations; i++) {
      h = 31 * h + (i ^ (h >>> 7));
    }
    return h;
  }
}
