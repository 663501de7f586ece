package org.joblib4j.backend.loky;

import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.TaskOrigin;
import org.joblib4j.tck.support.WorkerProcesses;

/**
 * Tasks and helpers shared by the loky tests. Tasks are static methods: worker JVMs load this
 * class.
 */
final class LokyTestSupport {
  /**
   * The pid of the test JVM (the pool's parent). Read it in the test JVM only: in a worker it is
   * the worker's pid.
   */
  static final long PARENT_PID = ProcessHandle.current().pid();

  private LokyTestSupport() {}

  static Parallel.Builder loky(int nJobs) {
    return Parallel.builder().backend("loky").nJobs(nJobs);
  }

  // ------------------------------------------------------------------ tasks (run in worker JVMs)

  static long pid() {
    return WorkerProcesses.pid();
  }

  static int square(int x) {
    return x * x;
  }

  static long sleepThenPid(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return pid();
  }

  /** Records the running JVM's pid as a file in {@code dir}. */
  static long writePid(String dir) {
    return WorkerProcesses.writePid(dir);
  }

  /** Records the pid, then sleeps (a long, interruptible task). */
  static long writePidThenSleep(String dir, long millis) throws InterruptedException {
    return WorkerProcesses.writePidThenSleep(dir, millis);
  }

  /** Records the pid, then loops forever, ignoring interrupts: only killing the JVM stops it. */
  static long writePidThenSpin(String dir) {
    return WorkerProcesses.writePidThenSpin(dir);
  }

  static void spinForever() {
    WorkerProcesses.spinForever();
  }

  /** Waits (inside the task) until a pid file exists in {@code dir}, then throws. */
  static long failOnceAPidFileExists(String dir, String message) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (pidFiles(dir).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    throw new IllegalStateException(message);
  }

  // ------------------------------------------------------------------ helpers (test JVM)

  static Set<Long> pidFiles(String dir) {
    return WorkerProcesses.pidFiles(dir);
  }

  static boolean alive(long pid) {
    return WorkerProcesses.alive(pid);
  }

  static void awaitAllDead(Collection<Long> pids, Duration atMost) {
    WorkerProcesses.awaitAllDead(pids, atMost);
  }

  /**
   * Runs short calls until every worker of the pool has answered, so the pool has {@code nJobs}
   * ready workers (a fresh or healed pool starts its JVMs when work arrives).
   *
   * @return the pids of the ready workers
   */
  static Set<Long> warm(Supplier<Parallel.Builder> builder, int nJobs) {
    Set<Long> seen = new HashSet<>();
    for (int attempt = 0; attempt < 30; attempt++) {
      List<Long> pids =
          builder
              .get()
              .batchSize(1)
              .build()
              .run(
                  IntStream.range(0, 3 * nJobs)
                      .mapToObj(i -> delayed(LokyTestSupport::sleepThenPid, 30L)));
      seen = new HashSet<>(pids);
      if (seen.size() == nJobs && seen.equals(new HashSet<>(LokyBackend.workerPids()))) {
        return seen;
      }
    }
    throw new AssertionError(
        "the loky pool did not get "
            + nJobs
            + " ready workers: tasks ran on "
            + seen
            + ", pool has "
            + LokyBackend.workerPids());
  }

  static Set<Long> warm(int nJobs) {
    return warm(() -> loky(nJobs), nJobs);
  }

  /** The {@link TaskOrigin} suppressed on a task's exception. */
  static TaskOrigin origin(Throwable t) {
    return WorkerProcesses.origin(t);
  }

  /** The worker pid named by a {@link TaskOrigin} ("... pid 1234)"). */
  static long originPid(Throwable t) {
    return WorkerProcesses.originPid(t);
  }

  /**
   * Whether {@code t} or one of its causes is of {@code type} with a message containing {@code
   * text}.
   */
  static boolean chainHas(Throwable t, Class<? extends Throwable> type, String text) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c) && c.getMessage() != null && c.getMessage().contains(text)) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
