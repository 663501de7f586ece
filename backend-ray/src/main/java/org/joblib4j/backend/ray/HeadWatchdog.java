package org.joblib4j.backend.ray;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded Ray head's watchdog: a small JVM between the caller and {@code ray start --block}
 * that stops the head, its whole process tree and its directory when its stdin closes. The caller
 * holds the other end of that pipe and never writes to it, so it closes exactly when the caller
 * exits or is killed (SIGKILL included): the head cannot outlive the JVM that started it. Java
 * cannot ask for a parent-death signal (prctl PR_SET_PDEATHSIG); the end of a pipe is portable.
 *
 * <p>Usage: {@code java -cp <this jar> org.joblib4j.backend.ray.HeadWatchdog <dir> <ray> start
 * ...}. If the head exits by itself, the watchdog exits with its status and leaves {@code dir} (its
 * log) to the caller. JDK classes only: nothing else is on its class path.
 */
final class HeadWatchdog {
  /** How long {@code ray start --block} may take to stop its processes after SIGTERM. */
  static final Duration HEAD_GRACE = Duration.ofSeconds(60);

  private static final Object LOCK = new Object();
  private static Process head;
  private static boolean stopped;

  private HeadWatchdog() {}

  /** The command that runs {@code rayCommand} under a watchdog deleting {@code dir} at the end. */
  static List<String> command(String java, Path dir, List<String> rayCommand) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // a few MB of heap and no JIT beyond C1: it only waits
    cmd.addAll(
        List.of(
            "-Xmx16m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-Xshare:auto",
            "-cp",
            classPath(),
            HeadWatchdog.class.getName(),
            dir.toString()));
    cmd.addAll(rayCommand);
    return cmd;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    List<String> cmd = Arrays.asList(args).subList(1, args.length);
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    synchronized (LOCK) {
      head = p;
    }
    // SIGTERM, SIGINT, SIGHUP to the watchdog stop the head too
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(dir), "joblib4j-ray-watchdog-hook"));
    Thread pipe =
        new Thread(
            () -> {
              awaitEndOfInput(System.in);
              System.err.println(
                  "[joblib4j] the JVM that started this Ray head is gone or done: stopping it");
              stop(dir);
              System.exit(0);
            },
            "joblib4j-ray-watchdog-pipe");
    pipe.start(); // not a daemon: the JVM must not end while it is stopping the head
    int code = p.waitFor();
    synchronized (LOCK) {
      if (stopped) {
        return; // the pipe thread or the hook is stopping it: they exit
      }
      stopped = true; // exited by itself: keep its log for the caller
    }
    System.exit(code);
  }

  /** Stops the head's process tree and deletes its directory, once. */
  static void stop(Path dir) {
    Process p;
    synchronized (LOCK) {
      if (stopped || head == null) {
        return;
      }
      stopped = true;
      p = head;
    }
    List<ProcessHandle> tree;
    try (Stream<ProcessHandle> all = p.descendants()) {
      tree = all.toList();
    }
    ProcessTree.stop(p.toHandle(), tree, HEAD_GRACE);
    deleteTree(dir);
  }

  private static void awaitEndOfInput(InputStream in) {
    byte[] buf = new byte[256];
    try {
      while (in.read(buf) >= 0) {
        // nothing is ever written; only the end matters
      }
    } catch (IOException e) {
      // a broken pipe is an end too
    }
  }

  /** Deletes a folder and everything in it, best effort; returns whether it is gone. */
  static boolean deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return true;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
    return !Files.exists(root);
  }

  /** Where this class was loaded from (the backend's jar, or its classes folder). */
  private static String classPath() {
    try {
      var src = HeadWatchdog.class.getProtectionDomain().getCodeSource();
      if (src != null && "file".equals(src.getLocation().getProtocol())) {
        return Path.of(src.getLocation().toURI()).toString();
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through
    }
    return System.getProperty("java.class.path");
  }
}
