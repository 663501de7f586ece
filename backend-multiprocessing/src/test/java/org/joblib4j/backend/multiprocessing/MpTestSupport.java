package org.joblib4j.backend.multiprocessing;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.TaskOrigin;
import org.joblib4j.tck.support.WorkerProcesses;

/**
 * Tasks and helpers shared by the multiprocessing tests. Tasks are static methods of this class
 * (worker JVMs load it from the test classpath); its static fields are per-JVM state.
 */
final class MpTestSupport {
  /** The pid of the test JVM (the pools' parent). */
  static final long PARENT_PID = ProcessHandle.current().pid();

  /** Generous bound for anything that must happen "at once" on a loaded 2-core machine. */
  static final Duration GENEROUS = Duration.ofSeconds(20);

  /** loky's / joblib's TerminatedWorkerError text, up to the exit codes. */
  static final String TERMINATED =
      "A worker process managed by the executor was unexpectedly terminated. This could be caused"
          + " by a segmentation fault while calling the function or by an excessive memory usage"
          + " causing the Operating System to kill the worker.\n\nThe exit codes of the workers are ";

  /** Per-JVM counter: a fresh worker JVM starts at 0. */
  static int counter;

  /** Per-JVM: how many times the initializer ran in this JVM. */
  static volatile int initCalls;

  /** Per-JVM: tasks run in this JVM (by {@link #initState()}). */
  static volatile int tasksRun;

  /**
   * Keeps idle workers for 30 s (default 1 s), for tests about which JVMs serve a block: on a
   * loaded machine a worker must not leave between two calls for being idle.
   */
  static final Map<String, Object> KEEP_IDLE = Map.of("idle-worker-timeout", "30s");

  private MpTestSupport() {}

  static Parallel.Builder mp(int nJobs) {
    return Parallel.builder().backend("multiprocessing").nJobs(nJobs);
  }

  static Parallel.Builder mp(int nJobs, Map<String, ?> options) {
    return Parallel.builder().backend("multiprocessing", options).nJobs(nJobs);
  }

  // ------------------------------------------------------------------ tasks (run in worker JVMs)

  /**
   * SLF4J's state in this JVM: 0 until something starts it (a logger, the MDC), 3 once its provider
   * has started.
   */
  static int slf4jState() throws ReflectiveOperationException {
    java.lang.reflect.Field state =
        org.slf4j.LoggerFactory.class.getDeclaredField("INITIALIZATION_STATE");
    state.setAccessible(true);
    return state.getInt(null);
  }

  /** Logs a line, then reports SLF4J's state. */
  static int logAndSlf4jState() throws ReflectiveOperationException {
    org.slf4j.LoggerFactory.getLogger(MpTestSupport.class).debug("a task that logs");
    return slf4jState();
  }

  static long pid() {
    return WorkerProcesses.pid();
  }

  static int square(int x) {
    return x * x;
  }

  static int f(int x, int y) {
    return x * x + y;
  }

  static int divide(int x, int y) {
    return x / y;
  }

  /**
   * Sleeps (simulated work), then returns {@code x * x}: later inputs finish first when {@code
   * millis} decreases.
   */
  static int slowSquare(int x, long millis) throws InterruptedException {
    Thread.sleep(millis);
    return x * x;
  }

  static long sleepThenPid(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return pid();
  }

  /** Increments this JVM's static counter: (pid, new value). */
  static List<Long> countAndPid() {
    return List.of(pid(), (long) ++counter);
  }

  /**
   * What a task sees of the initializer: (pid, initializer runs in this JVM, tasks run before this
   * one).
   */
  static List<Long> initState() throws InterruptedException {
    Thread.sleep(20);
    long before = tasksRun++;
    return List.of(pid(), (long) initCalls, before);
  }

  /** The initializer: records that it ran, and checks no task ran before it. */
  static Object initialize() {
    if (tasksRun != 0) {
      throw new IllegalStateException("a task ran before the initializer");
    }
    initCalls++;
    return null;
  }

  static Object failingInitializer() {
    throw new IllegalArgumentException("initializer boom");
  }

  static Task<Object> initializer() {
    return MpTestSupport::initialize;
  }

  /**
   * The JVM's view of its options: (foo property, max heap, input arguments, available processors).
   */
  static List<Object> jvmView() {
    return List.of(
        String.valueOf(System.getProperty("foo")),
        Runtime.getRuntime().maxMemory(),
        new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments()),
        Runtime.getRuntime().availableProcessors());
  }

  /** Records the running JVM's pid as a file in {@code dir}. */
  static long writePid(String dir) {
    return WorkerProcesses.writePid(dir);
  }

  /** Records the pid, then sleeps (a long task, stopped only by killing its JVM in these tests). */
  static long writePidThenSleep(String dir, long millis) throws InterruptedException {
    return WorkerProcesses.writePidThenSleep(dir, millis);
  }

  /** Records the pid, then loops forever ignoring interrupts: only killing the JVM stops it. */
  static long writePidThenSpin(String dir) {
    return WorkerProcesses.writePidThenSpin(dir);
  }

  /** Ends its worker JVM abruptly with exit code {@code code}. */
  static long halt(int code) {
    Runtime.getRuntime().halt(code);
    return -1;
  }

  static void spinForever() {
    WorkerProcesses.spinForever();
  }

  /**
   * Waits (inside the task, up to 20 s) until another JVM has written a pid file in {@code dir},
   * then throws: the first error arrives while other tasks of the call are still running.
   */
  static long failOnceAnotherPidFileExists(String dir, String message) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (pidFiles(dir).stream().noneMatch(p -> p != pid()) && System.nanoTime() < deadline) {
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

  static void awaitAllDead(Collection<Long> pids) {
    WorkerProcesses.awaitAllDead(pids, GENEROUS);
  }

  /** The live descendants of the test JVM. */
  static Set<Long> descendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  /** Waits until no descendant of the test JVM remains that was not there in {@code before}. */
  static void awaitNoNewDescendant(Set<Long> before) {
    await("no worker JVM started since " + before + " to remain")
        .atMost(GENEROUS)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> before.containsAll(descendants()));
  }

  /** The {@link TaskOrigin} suppressed on a task's exception. */
  static TaskOrigin origin(Throwable t) {
    return WorkerProcesses.origin(t);
  }

  /** The worker pid named by a {@link TaskOrigin} ("..., pid 1234)"). */
  static long originPid(Throwable t) {
    return WorkerProcesses.originPid(t);
  }

  static List<Task<Long>> pidTasks(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> (Task<Long>) MpTestSupport::pid)
        .collect(Collectors.toList());
  }
}
