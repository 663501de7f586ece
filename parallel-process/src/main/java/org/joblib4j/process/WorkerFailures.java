package org.joblib4j.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.joblib4j.WorkerTerminatedException;

/**
 * How a {@link WorkerPool} words a worker JVM's death or failed start (loky's words where it has
 * some).
 */
final class WorkerFailures {
  private WorkerFailures() {}

  /**
   * A worker died while running a batch: loky's message, with its exit status, its pid and any
   * crash report it left in the pool's folder.
   *
   * @param pid the worker's pid
   * @param status its exit status
   * @param poolFolder the pool's private folder (where a JVM crash report goes)
   * @return the failure of the batch it was running
   */
  static WorkerTerminatedException unexpectedlyTerminated(long pid, int status, Path poolFolder) {
    Path hsErr = poolFolder.resolve("hs_err_pid" + pid + ".log");
    String crash =
        Files.exists(hsErr)
            ? "\nThe worker JVM wrote a crash report: "
                + hsErr
                + " (kept until the pool shuts down).\n"
            : "\n";
    return new WorkerTerminatedException(
        "A worker process managed by the executor was unexpectedly terminated. This could be caused"
            + " by a segmentation fault while calling the function or by an excessive memory usage"
            + " causing the Operating System to kill the worker.\n\nThe exit codes of the workers"
            + " are {"
            + ExitCodes.format(status)
            + "}\n"
            + "The worker was JVM pid "
            + pid
            + "; its output was forwarded to this process's"
            + " stderr."
            + crash
            + "Likely causes: the task called System.exit or Runtime.halt, native code crashed, or"
            + " the OS killed the worker (out of memory, or a kill signal).");
  }

  /**
   * A worker exited before it connected.
   *
   * @param status its exit status
   * @param command the command that starts a worker
   * @param output the end of its output
   * @return the failure of the queued work
   */
  static WorkerTerminatedException exitedBeforeStart(
      int status, List<String> command, String output) {
    return new WorkerTerminatedException(
        "A worker JVM exited with "
            + ExitCodes.format(status)
            + " before it could start"
            + " (command: "
            + String.join(" ", command)
            + "). Its last output:\n"
            + output);
  }

  /**
   * A worker did not connect within the start timeout and was killed.
   *
   * @param pid its pid
   * @param timeout the start timeout
   * @param command the command that starts a worker
   * @param output the end of its output
   * @return the failure of the queued work (or the warning, if other workers run it)
   */
  static WorkerTerminatedException didNotConnect(
      long pid, Duration timeout, List<String> command, String output) {
    long millis = timeout.toMillis();
    return new WorkerTerminatedException(
        "A worker JVM (pid "
            + pid
            + ") did not connect within "
            + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms")
            + " of its start (worker-start-timeout), so it was killed (command: "
            + String.join(" ", command)
            + "). Its last output:\n"
            + output);
  }
}
