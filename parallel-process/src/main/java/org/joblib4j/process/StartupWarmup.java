package org.joblib4j.process;

import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cuts the time from a process backend's creation to its first worker start in a fresh JVM: on a
 * background thread, while the caller resolves its configuration, it initializes the JDK classes a
 * worker pool needs (the secure random behind temporary folders, tokens and socket names, Unix
 * sockets, process launching) and the way of a batch and its results ({@link TaskPathWarmup}:
 * serializable lambdas, records). Nothing is started or written.
 */
final class StartupWarmup {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private StartupWarmup() {}

  /** Starts the warm-up once per JVM. */
  static void start() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(StartupWarmup::run, "joblib4j-process-warmup");
    t.setDaemon(true);
    t.start();
  }

  private static void run() {
    try {
      UUID.randomUUID();
      ServerSocketChannel.open(StandardProtocolFamily.UNIX).close();
      WorkerLauncher.javaExecutable();
      Class.forName("java.lang.ProcessImpl", true, null);
      TaskPathWarmup.roundTrip(
          new JavaTaskSerializer(),
          JavaTaskSerializer.forResults(StartupWarmup.class.getClassLoader(), "a warm-up"));
    } catch (Exception | LinkageError e) {
      // only a warm-up: the pool does all of this again, and reports what fails
    }
  }
}
