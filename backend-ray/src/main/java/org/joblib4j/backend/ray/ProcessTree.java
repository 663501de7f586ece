package org.joblib4j.backend.ray;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process and what it started, by PID only (never by name: other users' and other drivers'
 * Ray processes share the machine). JDK classes only: the head's watchdog JVM uses it.
 */
final class ProcessTree {
  private ProcessTree() {}

  /**
   * SIGTERM to {@code root}, SIGKILL after {@code grace}, then SIGKILL to every process of {@code
   * tree} still alive (orphans are re-parented, so the tree must be read before the root goes).
   */
  static void stop(ProcessHandle root, List<ProcessHandle> tree, Duration grace) {
    if (root.isAlive()) {
      root.destroy();
      if (!await(root, grace)) {
        root.destroyForcibly();
        await(root, Duration.ofSeconds(10));
      }
    }
    for (ProcessHandle h : tree) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : tree) {
      await(h, Duration.ofSeconds(10));
    }
  }

  private static boolean await(ProcessHandle h, Duration limit) {
    try {
      h.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    } catch (Exception e) {
      return !h.isAlive();
    }
  }
}
