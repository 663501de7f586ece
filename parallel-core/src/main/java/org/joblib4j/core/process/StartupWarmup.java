package org.joblib4j.core.process;

import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.joblib4j.spi.Batch;

/**
 * Cuts the time from a process backend's creation to its first worker start in a fresh JVM: on a
 * background thread, while the caller resolves its configuration, it initializes the JDK classes a
 * worker pool needs (the secure random behind temporary folders, tokens and socket names, Unix
 * sockets, process launching) and the serialization of a batch. Nothing is started or written.
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
      JavaTaskSerializer serializer = new JavaTaskSerializer();
      serializer.serialize(new Batch(0, List.of(), null));
    } catch (Exception | LinkageError e) {
      // only a warm-up: the pool does all of this again, and reports what fails
    }
  }
}
