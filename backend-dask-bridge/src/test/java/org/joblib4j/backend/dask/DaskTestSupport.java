package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.joblib4j.Parallel;
import org.joblib4j.TaskOrigin;

/**
 * Tasks and helpers shared by the dask tests. Tasks are static methods: executor JVMs on the Dask
 * workers load this class from the shipped classpath.
 */
final class DaskTestSupport {
  static final String PYTHON = DaskOptions.DEFAULT_PYTHON;

  private DaskTestSupport() {}

  /** Fails (never skips) when Debian's Dask is missing, with the command that installs it. */
  static void requireDask() {
    try {
      Process p =
          new ProcessBuilder(
                  PYTHON, "-c", "import distributed, sys; print(distributed.__version__)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(
            "The dask tests need Debian's Dask: "
                + PYTHON
                + " cannot import distributed ("
                + out.trim()
                + "). Install it with: sudo apt-get update && sudo apt-get install -y python3-distributed"
                + " (.ci/run does this on a fresh machine).");
      }
    } catch (IOException e) {
      throw new AssertionError(
          "The dask tests need "
              + PYTHON
              + " with python3-distributed: "
              + e
              + ". Install it with: sudo apt-get install -y python3-distributed",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Options of a private local cluster of two single-thread workers. */
  static Map<String, Object> local(Object... more) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scheduler", "local:2");
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  static Map<String, Object> with(Map<String, Object> base, Object... more) {
    Map<String, Object> m = new LinkedHashMap<>(base);
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  static Parallel.Builder dask(Map<String, Object> options) {
    return Parallel.builder().backend("dask", options);
  }

  /** A fresh folder under target/dask-test. */
  static Path testDir(String name) {
    try {
      Path base =
          Path.of(System.getProperty("joblib4j.dask.test.dir", "target/dask-test"))
              .toAbsolutePath();
      Files.createDirectories(base);
      return Files.createTempDirectory(base, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ tasks (run in executor JVMs)
  // (their Thread.sleep calls are the tasks' work; the tests themselves wait with Awaitility)

  static int inc(int x) {
    return x + 1;
  }

  static long pid() {
    return ProcessHandle.current().pid();
  }

  /** The Dask worker this executor JVM runs for. */
  static String workerAddress(int ignored) {
    return System.getProperty("joblib4j.dask.worker");
  }

  /** The pid of the Dask worker process (the executor JVM's parent). */
  static long workerPid(int ignored) {
    return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
  }

  static int sleepThenInc(int x, long millis) throws InterruptedException {
    Thread.sleep(millis);
    return x + 1;
  }

  static String markerThenSleep(String dir, long millis) throws InterruptedException, IOException {
    Path started =
        Path.of(
            dir, "started-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
    Files.writeString(started, "x");
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Files.writeString(Path.of(dir, "interrupted-" + System.nanoTime()), "x");
      throw e;
    }
    return "slept";
  }

  /** The wall-clock interval a task ran in (same host: comparable across JVMs). */
  static long[] interval(long millis) throws InterruptedException {
    long start = System.currentTimeMillis();
    Thread.sleep(millis);
    return new long[] {start, System.currentTimeMillis()};
  }

  static long countFiles(Path dir, String prefix) {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ helpers (test JVM)

  static TaskOrigin origin(Throwable t) {
    for (Throwable s : t.getSuppressed()) {
      if (s instanceof TaskOrigin) {
        return (TaskOrigin) s;
      }
    }
    throw new AssertionError("no TaskOrigin suppressed on " + t, t);
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * The local addresses of the TCP sockets the given processes listen on, from {@code /proc}: for
   * example {@code 127.0.0.1:40415} or {@code 0.0.0.0:8787}.
   */
  static java.util.Set<String> listeningAddresses(java.util.Collection<Long> pids) {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    for (long pid : pids) {
      try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
        fds.forEach(
            fd -> {
              try {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[")) {
                  inodes.add(target.substring(8, target.length() - 1));
                }
              } catch (IOException e) {
                // closed meanwhile
              }
            });
      } catch (IOException e) {
        // the process is gone
      }
    }
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
            out.add(address(f[1]));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static String address(String hex) {
    String[] hp = hex.split(":");
    int port = Integer.parseInt(hp[1], 16);
    String h = hp[0];
    if (h.length() == 8) {
      return Integer.parseInt(h.substring(6, 8), 16)
          + "."
          + Integer.parseInt(h.substring(4, 6), 16)
          + "."
          + Integer.parseInt(h.substring(2, 4), 16)
          + "."
          + Integer.parseInt(h.substring(0, 2), 16)
          + ":"
          + port;
    }
    if (h.equals("0000000000000000FFFF00000100007F")) {
      return "127.0.0.1:" + port;
    }
    if (h.equals("00000000000000000000000001000000")) {
      return "[::1]:" + port;
    }
    return "[" + h + "]:" + port;
  }

  /** A process and all its descendants. */
  static java.util.List<Long> tree(long pid) {
    java.util.List<Long> out = new java.util.ArrayList<>();
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              out.add(p.pid());
              p.descendants().forEach(d -> out.add(d.pid()));
            });
    return out;
  }

  static void assertWithin(Duration limit, long startNanos) {
    assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(limit);
  }
}
