package org.joblib4j.backend.dask;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Dask cluster of separate processes on loopback, as in production: {@code python3 -m dask
 * scheduler} on port 0 with a scheduler file (so runs never collide) and one {@code python3 -m dask
 * worker} process per worker (so a test can kill exactly one). Everything is stopped by the PIDs it
 * started, never by name.
 */
final class DaskProcessCluster implements AutoCloseable {
  final Path dir;
  final Path schedulerFile;

  /** The address the scheduler and the workers started here listen on. */
  private final String host;

  private final Path tls;
  private final Map<String, String> env;
  private final Process scheduler;
  private final List<Process> workers = new ArrayList<>();
  private String address;

  private DaskProcessCluster(Path dir, String host, Path tls, Map<String, String> env) {
    this.dir = dir;
    this.host = host;
    this.tls = tls;
    this.env = env;
    this.schedulerFile = dir.resolve("sched.json");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                DaskTestSupport.PYTHON,
                "-m",
                "dask",
                "scheduler",
                "--host",
                host,
                "--port",
                "0",
                "--dashboard-address",
                host + ":0",
                "--scheduler-file",
                schedulerFile.toString()));
    if (tls != null) {
      cmd.addAll(List.of("--protocol", "tls"));
      cmd.addAll(tlsArgs());
    }
    this.scheduler = start(cmd, dir.resolve("scheduler.log"));
    await("the scheduler file " + schedulerFile)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!scheduler.isAlive()) {
                throw new IllegalStateException(
                    "dask scheduler exited: " + Files.readString(dir.resolve("scheduler.log")));
              }
              return Files.isRegularFile(schedulerFile)
                  && Files.size(schedulerFile) > 0
                  && Files.readString(schedulerFile).contains("\"address\"");
            });
    try {
      this.address = String.valueOf(Json.object(Files.readString(schedulerFile)).get("address"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a scheduler and {@code n} workers of {@code threads} threads; returns once the scheduler
   * is up (use {@link #awaitWorkers} for the workers).
   */
  static DaskProcessCluster start(
      String name, int n, int threads, Path tls, Map<String, String> env) {
    return startOn("127.0.0.1", name, n, threads, tls, env);
  }

  /** {@link #start} with the scheduler and the workers listening on {@code host}. */
  static DaskProcessCluster startOn(
      String host, String name, int n, int threads, Path tls, Map<String, String> env) {
    DaskProcessCluster c = new DaskProcessCluster(DaskTestSupport.testDir(name), host, tls, env);
    for (int i = 1; i <= n; i++) {
      c.addWorker("w" + i, threads);
    }
    return c;
  }

  String address() {
    return address;
  }

  /** Starts one more {@code dask worker} process. */
  Process addWorker(String name, int threads, String... extra) {
    List<String> cmd =
        workerCommand(
            List.of("--scheduler-file", schedulerFile.toString()),
            host,
            name,
            threads,
            dir.resolve("work"));
    if (tls != null) {
      cmd.addAll(tlsArgs());
    }
    cmd.addAll(List.of(extra));
    return startWorker(cmd, name);
  }

  /**
   * Starts a single-thread {@code dask worker} inside a wrapper command (a sandbox), reaching the
   * scheduler by its address: the scheduler file and this cluster's folder may be hidden from it.
   *
   * @param wrapper the command that runs the worker's command line, appended to it
   * @param name the worker's name (its log is {@code <name>.log} in this cluster's folder)
   * @param localDirectory the worker's space, which the sandbox can write
   * @param extra more {@code dask worker} options
   * @return the process (the wrapper execs into the worker: its pid is the worker's)
   */
  Process addWorkerIn(List<String> wrapper, String name, Path localDirectory, String... extra) {
    return addWorkerIn(wrapper, host, name, localDirectory, extra);
  }

  /**
   * {@link #addWorkerIn(List, String, Path, String...)} with the worker listening on its own
   * address (a host of its own, such as a network namespace), with this cluster's TLS.
   */
  Process addWorkerIn(
      List<String> wrapper, String workerHost, String name, Path localDirectory, String... extra) {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(workerCommand(List.of(address), workerHost, name, 1, localDirectory));
    if (tls != null) {
      cmd.addAll(tlsArgs());
    }
    cmd.addAll(List.of(extra));
    return startWorker(cmd, name);
  }

  private static List<String> workerCommand(
      List<String> scheduler, String host, String name, int threads, Path localDirectory) {
    List<String> cmd = new ArrayList<>(List.of(DaskTestSupport.PYTHON, "-m", "dask", "worker"));
    cmd.addAll(scheduler);
    cmd.addAll(
        List.of(
            "--host",
            host,
            "--dashboard-address",
            host + ":0",
            "--nthreads",
            Integer.toString(threads),
            "--name",
            name,
            "--local-directory",
            localDirectory.toString()));
    return cmd;
  }

  private Process startWorker(List<String> cmd, String name) {
    Process p = start(cmd, dir.resolve(name + ".log"));
    synchronized (workers) {
      workers.add(p);
    }
    return p;
  }

  private List<String> tlsArgs() {
    return List.of(
        "--tls-ca-file",
        tls.resolve("ca.pem").toString(),
        "--tls-cert",
        tls.resolve("node.pem").toString(),
        "--tls-key",
        tls.resolve("node.key").toString());
  }

  private Process start(List<String> cmd, Path log) {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // a null value takes the variable away (a host where it is not set)
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + cmd, e);
    }
  }

  /** Waits until the scheduler has {@code n} workers, asking through the bridge. */
  void awaitWorkers(Map<String, Object> options, int n) {
    await("a cluster of " + n + " workers")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> DaskClient.connect(options).workers().size() == n);
  }

  Process scheduler() {
    return scheduler;
  }

  List<Process> workers() {
    synchronized (workers) {
      return new ArrayList<>(workers);
    }
  }

  /**
   * Stops the workers (SIGTERM: the nanny closes the worker, the plugin its JVM), then the
   * scheduler.
   */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>();
    for (Process p : workers()) {
      p.descendants().forEach(tree::add);
      p.destroy();
    }
    for (Process p : workers()) {
      stop(p);
    }
    scheduler.destroy();
    stop(scheduler);
    // anything a killed nanny left behind
    tree.forEach(ProcessHandle::destroyForcibly);
    // the worker spaces and their jar caches (the logs stay, for a failed run)
    deleteTree(dir.resolve("work"));
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // a file a dying process still writes: left for mvn clean
                }
              });
    } catch (IOException e) {
      // left for mvn clean
    }
  }

  private static void stop(Process p) {
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** The options that reach this cluster through its scheduler file. */
  Map<String, Object> options(Object... more) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scheduler", schedulerFile.toString());
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }
}
