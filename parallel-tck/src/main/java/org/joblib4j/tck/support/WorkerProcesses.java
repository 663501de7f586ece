package org.joblib4j.tck.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.joblib4j.TaskOrigin;

/**
 * What the process backends' tests do with worker JVMs: task bodies that record or hold their JVM
 * (static, so worker JVMs load them from the test classpath), and checks run in the test JVM.
 */
public final class WorkerProcesses {
  /** Never set: keeps {@link #spinForever()} a loop the JIT cannot remove. */
  private static volatile boolean neverSet;

  private WorkerProcesses() {}

  /**
   * Returns the running JVM's pid.
   *
   * @return the pid: in a task, the worker's
   */
  public static long pid() {
    return ProcessHandle.current().pid();
  }

  /**
   * Records the running JVM's pid as a file in {@code dir}.
   *
   * @param dir a folder the test reads with {@link #pidFiles}
   * @return the pid
   */
  public static long writePid(String dir) {
    long pid = pid();
    try {
      Files.writeString(
          Path.of(dir, Long.toString(pid)), Long.toString(pid), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pid;
  }

  /**
   * Halts this JVM with {@code status} the first time any JVM calls it with this folder, and
   * returns at once every later time: a marker file in the folder remembers across JVMs. A task
   * that kills its worker on its first run only (a retry's second run then succeeds).
   *
   * @param dir the marker's folder
   * @param status the exit status
   */
  public static void haltOnce(String dir, int status) {
    try {
      Files.createFile(Path.of(dir, "halted-once"));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().halt(status);
  }

  /**
   * Records the pid, then waits (at most 30 s) until {@code jvms} JVMs have recorded theirs: a task
   * of a test that needs every worker of a pool to start, where a fast first worker would otherwise
   * finish the whole call while the others still boot.
   *
   * @param dir the pid folder
   * @param jvms how many JVMs to wait for
   * @return the pid
   */
  public static long writePidAndAwaitJvms(String dir, int jvms) {
    long pid = writePid(dir);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (pidFiles(dir).size() < jvms && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // another JVM's file
    }
    return pid;
  }

  /**
   * Records the pid, then sleeps (a long, interruptible task).
   *
   * @param dir the pid folder
   * @param millis how long to sleep
   * @return the pid
   * @throws InterruptedException if interrupted while sleeping
   */
  public static long writePidThenSleep(String dir, long millis) throws InterruptedException {
    long pid = writePid(dir);
    Thread.sleep(millis);
    return pid;
  }

  /**
   * Records the pid, then loops forever, ignoring interrupts: only killing the JVM stops it.
   *
   * @param dir the pid folder
   * @return never
   */
  public static long writePidThenSpin(String dir) {
    long pid = writePid(dir);
    spinForever();
    return pid;
  }

  /** Loops forever, ignoring interrupts. */
  public static void spinForever() {
    long n = 0;
    while (!neverSet) {
      n++;
      Thread.onSpinWait();
      if (Thread.interrupted()) {
        n--; // ignore interrupts on purpose
      }
    }
    if (n == 42) {
      System.out.print("");
    }
  }

  /**
   * Returns the pids recorded in {@code dir} by {@link #writePid}.
   *
   * @param dir the pid folder
   * @return the pids
   */
  public static Set<Long> pidFiles(String dir) {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Says whether a process is alive.
   *
   * @param pid the process
   * @return whether it runs
   */
  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Waits until none of {@code pids} is alive.
   *
   * @param pids the processes
   * @param atMost how long to wait before failing
   */
  public static void awaitAllDead(Collection<Long> pids, Duration atMost) {
    await("processes " + pids + " to exit")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> pids.stream().noneMatch(WorkerProcesses::alive));
  }

  /**
   * Returns the {@link TaskOrigin} suppressed on a task's exception.
   *
   * @param t the task's exception
   * @return its origin
   * @throws AssertionError when it has none
   */
  public static TaskOrigin origin(Throwable t) {
    for (Throwable s : t.getSuppressed()) {
      if (s instanceof TaskOrigin) {
        return (TaskOrigin) s;
      }
    }
    throw new AssertionError("no TaskOrigin suppressed on " + t, t);
  }

  /**
   * Returns the worker pid named by a {@link TaskOrigin} ("..., pid 1234)").
   *
   * @param t the task's exception
   * @return the worker's pid
   * @throws AssertionError when the origin names no pid
   */
  public static long originPid(Throwable t) {
    String m = origin(t).getMessage();
    Matcher matcher = Pattern.compile("pid (\\d+)").matcher(m);
    if (!matcher.find()) {
      throw new AssertionError("no pid in " + m);
    }
    return Long.parseLong(matcher.group(1));
  }
}
