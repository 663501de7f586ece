package org.joblib4j.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts worker JVMs from the caller's own {@code java} with the caller's classpath (and module
 * path), so any class the caller can load a worker can load — under Maven Surefire and from a
 * shaded jar too.
 */
public class WorkerLauncher {
  /** The environment variables loky caps in its workers (reference §2.4). */
  public static final List<String> THREAD_VARIABLES =
      List.of(
          "OMP_NUM_THREADS",
          "OPENBLAS_NUM_THREADS",
          "MKL_NUM_THREADS",
          "BLIS_NUM_THREADS",
          "VECLIB_MAXIMUM_THREADS",
          "NUMBA_NUM_THREADS",
          "NUMEXPR_NUM_THREADS");

  /** Carries the depth of nested process pools to workers. */
  public static final String DEPTH_VARIABLE = "JOBLIB4J_PROCESS_DEPTH";

  /** The launcher of plain worker JVMs; a subclass may hand out ones started ahead (spares). */
  public WorkerLauncher() {}

  /** Tells a worker JVM which backend started it ({@code loky}, {@code multiprocessing}). */
  public static final String KIND_VARIABLE = "JOBLIB4J_WORKER_KIND";

  /** loky's {@code LOKY_MAX_DEPTH}. */
  public static final int MAX_DEPTH = 10;

  /**
   * Starts one worker.
   *
   * @param options the pool's options
   * @param socket the parent's socket path
   * @param token the handshake token
   * @param errorDir where the worker's {@code hs_err} file goes if it crashes
   * @return the process, with stdout and stderr piped
   * @throws IOException if the JVM cannot be started
   */
  public Process launch(WorkerOptions options, Path socket, String token, Path errorDir)
      throws IOException {
    return start(options, command(options, socket, token, errorDir));
  }

  /**
   * Starts a spare worker: a JVM that boots and warms its task path with a batch of joblib4j's own
   * tasks (never user code), then waits until {@link #assign} tells it which pool to join. It exits
   * with its parent, or when its standard input is closed.
   *
   * @param options the options of the pools it may join
   * @param errorDir where the worker's {@code hs_err} file and its warm-up's loopback socket go
   * @return the process, with stdin, stdout and stderr piped (nothing reads its output until it
   *     joins a pool)
   * @throws IOException if the JVM cannot be started
   */
  public Process launchSpare(WorkerOptions options, Path errorDir) throws IOException {
    List<String> cmd = baseCommand(options, errorDir);
    cmd.add(WorkerMain.SPARE_ARGUMENT);
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(errorDir.toString());
    return start(options, cmd);
  }

  /**
   * Hands a spare worker to a pool: it connects to that pool's socket as a worker started for it
   * would.
   *
   * @param spare a process from {@link #launchSpare}
   * @param socket the pool's socket path
   * @param token the handshake token
   * @throws IOException if the spare is gone
   */
  public static void assign(Process spare, Path socket, String token) throws IOException {
    java.io.OutputStream in = spare.getOutputStream();
    in.write((socket + "\n" + token + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    in.flush();
  }

  private Process start(WorkerOptions options, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.putAll(options.environment());
    if (options.threadLimit() != null) {
      String limit = Integer.toString(options.threadLimit());
      for (String v : THREAD_VARIABLES) {
        // an explicit innerMaxNumThreads wins; a derived limit keeps what the parent already set
        if (options.threadLimitExplicit()) {
          env.put(v, limit);
        } else {
          env.putIfAbsent(v, limit);
        }
      }
      env.putIfAbsent("ENABLE_IPC", "1");
    }
    env.put(DEPTH_VARIABLE, Integer.toString(currentDepth() + 1));
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    return pb.start();
  }

  /**
   * Builds the command line of a worker.
   *
   * @param options the pool's options
   * @param socket the parent's socket path
   * @param token the handshake token
   * @param errorDir where crash files go
   * @return the command
   */
  public List<String> command(WorkerOptions options, Path socket, String token, Path errorDir) {
    List<String> cmd = baseCommand(options, errorDir);
    cmd.add(socket.toString());
    cmd.add(token);
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    return cmd;
  }

  /** The command line up to the worker's main class. */
  private List<String> baseCommand(WorkerOptions options, Path errorDir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(options.jvmArgs());
    if (options.heap() != null) {
      cmd.add("-Xmx" + options.heap());
    }
    if (options.threadLimit() != null) {
      cmd.add("-XX:ActiveProcessorCount=" + options.threadLimit());
      cmd.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + options.threadLimit());
    }
    cmd.add("-XX:ErrorFile=" + errorDir.resolve("hs_err_pid%p.log"));
    // the fatal-error banner goes to stdout by default; it belongs with the worker's stderr
    cmd.add("-XX:+DisplayVMOutputToStderr");
    cmd.addAll(ClassDataSharing.jvmArgs(classPath(), options.jvmArgs()));
    if (options.jvmArgs().stream().noneMatch(a -> a.startsWith("-XX:+Use") && a.endsWith("GC"))) {
      // workers get a CPU or two each: the serial collector starts fastest and suits that
      cmd.add("-XX:+UseSerialGC");
    }
    cmd.add("-D" + WorkerMain.IDLE_TIMEOUT_MS + "=" + options.idleTimeout().toMillis());
    cmd.add("-D" + WorkerMain.MAX_TASKS + "=" + options.maxTasksPerWorker());
    cmd.add("-D" + WorkerMain.LEAK_BYTES + "=" + options.leakBytes());
    String leakCheck = System.getProperty(WorkerMain.LEAK_CHECK_MS);
    if (leakCheck != null) {
      cmd.add("-D" + WorkerMain.LEAK_CHECK_MS + "=" + leakCheck);
    }
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(WorkerMain.class.getName());
    return cmd;
  }

  /**
   * The {@code java} of this JVM.
   *
   * @return its path
   */
  public static String javaExecutable() {
    Optional<String> self = ProcessHandle.current().info().command();
    if (self.isPresent()
        && Path.of(self.get()).getFileName().toString().startsWith("java")
        && Files.isExecutable(Path.of(self.get()))) {
      return self.get();
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This JVM's classpath plus its module path, as one classpath.
   *
   * @return the classpath
   */
  public static String classPath() {
    String cp = System.getProperty("java.class.path", "");
    String mp = System.getProperty("jdk.module.path");
    if (mp != null && !mp.isEmpty()) {
      cp = cp.isEmpty() ? mp : cp + File.pathSeparator + mp;
    }
    return cp;
  }

  /**
   * Which backend started this JVM as a worker.
   *
   * @return {@code loky}, {@code multiprocessing}, ... or {@code null} in an ordinary JVM
   */
  public static String currentKind() {
    return currentDepth() > 0 ? System.getenv(KIND_VARIABLE) : null;
  }

  /**
   * How deep this JVM is in a chain of worker JVMs (0 in an ordinary JVM).
   *
   * @return the depth
   */
  public static int currentDepth() {
    String d = System.getenv(DEPTH_VARIABLE);
    try {
      return d == null ? 0 : Integer.parseInt(d.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
