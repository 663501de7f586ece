package org.joblib4j.core.engine;

import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.joblib4j.Parallel;
import org.joblib4j.internal.WorkerTaskThread;
import org.joblib4j.spi.TaskContext;

/**
 * One CPU budget for every {@code Parallel} call of this JVM ({@code joblib4j.cpu-budget=shared}),
 * so that nested calls stop multiplying threads (joblib #1824, #1846):
 *
 * <ul>
 *   <li>A top-level call (one not made from inside a task) keeps its n_jobs, as in joblib, and
 *       holds the CPUs no other top-level call holds (at least one per worker) until it ends.
 *   <li>Each task of a call may use {@code max(1, cpus / workers)} of them (with fewer tasks than
 *       workers, {@code cpus / tasks}): its <em>share</em>, joblib's {@code cpu_count // n_jobs}.
 *   <li>A call made inside a task gets {@code min(its n_jobs, the task's share)} workers, and its
 *       own tasks split that share again. The task's own thread counts in its share: it waits for
 *       the nested call's workers, so it is not busy meanwhile (it lends its CPU). A share of 1
 *       runs the nested call sequentially in the task's thread (joblib's n_jobs=1 rule).
 *   <li>Worker JVMs get {@code max(1, cpus / workers)} as their thread limit, so inside a worker
 *       its {@code cpuCount()}, the common pool and a nested call all stay within its share.
 * </ul>
 *
 * So the busy threads of a call and of everything nested in it never exceed its CPUs. A share is
 * fixed when a call starts: CPUs a task leaves unused do not go to its siblings.
 */
public final class CpuBudget {
  private static final CpuBudget JVM = new CpuBudget(Parallel::cpuCount);

  /** The share of the task running on this thread, {@code null} outside tasks. */
  private static final ThreadLocal<Integer> TASK_SHARE = new ThreadLocal<>();

  /** The share {@link CpuShareCarrier} captures for the tasks of the call being started. */
  private static final ThreadLocal<Integer> SHARE_TO_CARRY = new ThreadLocal<>();

  private final IntSupplier cpuCount;
  private int held;

  /**
   * Creates a budget of {@code cpuCount} CPUs (read at each top-level call).
   *
   * @param cpuCount the CPUs of the budget
   */
  CpuBudget(IntSupplier cpuCount) {
    this.cpuCount = cpuCount;
  }

  /**
   * Returns this JVM's budget, of {@link Parallel#cpuCount()} CPUs.
   *
   * @return the budget
   */
  public static CpuBudget jvm() {
    return JVM;
  }

  /**
   * Returns how many CPUs the running top-level calls hold (for tests and diagnostics).
   *
   * @return the CPUs held, 0 when no call runs
   */
  public synchronized int heldCpus() {
    return held;
  }

  /**
   * Takes a call's CPUs: from the free ones for a top-level call, from its task's share for a call
   * made inside a task.
   *
   * @param requestedWorkers the workers the call asks for (its effective n_jobs)
   * @param cpusPerWorker the CPUs each worker needs at least (an explicit {@code
   *     innerMaxNumThreads}, else 1)
   * @return the grant; {@link Grant#release()} gives it back
   */
  Grant take(int requestedWorkers, int cpusPerWorker) {
    Integer share = taskShare();
    if (share != null) {
      return new Grant(this, Math.min(requestedWorkers, share), share, 0);
    }
    synchronized (this) {
      int free = Math.max(cpuCount.getAsInt() - held, 0);
      int cpus = Math.max(requestedWorkers * cpusPerWorker, free);
      held += cpus;
      return new Grant(this, requestedWorkers, cpus, cpus);
    }
  }

  private synchronized void giveBack(int cpus) {
    held -= cpus;
  }

  /**
   * The share of the task on this thread: the one its call gave it, or a worker JVM's CPUs (its
   * thread limit) on that worker's task thread; {@code null} outside tasks.
   */
  private Integer taskShare() {
    Integer share = TASK_SHARE.get();
    if (share == null && WorkerTaskThread.isCurrent()) {
      return cpuCount.getAsInt();
    }
    return share;
  }

  /**
   * Runs the tasks that follow on this thread with a share, until the scope is closed.
   *
   * @param share the share, or {@code null} to leave the thread as it is
   * @return the scope; closing it puts the previous share back
   */
  static TaskScope enterTask(Integer share) {
    if (share == null) {
      return () -> {};
    }
    Integer previous = TASK_SHARE.get();
    TASK_SHARE.set(share);
    return () -> TASK_SHARE.set(previous);
  }

  /**
   * Captures the caller's context for a call's tasks, with their share among it, so each task runs
   * with it wherever a thread of this JVM runs it.
   *
   * @param share each task's share
   * @param capture what captures the context ({@link TaskContext#capture()})
   * @return the context
   */
  static TaskContext captureWithShare(int share, Supplier<TaskContext> capture) {
    SHARE_TO_CARRY.set(share);
    try {
      return capture.get();
    } finally {
      SHARE_TO_CARRY.remove();
    }
  }

  /**
   * The share being captured for a call's tasks.
   *
   * @return it, or {@code null} when no budgeted call is starting on this thread
   */
  static Integer shareToCarry() {
    return SHARE_TO_CARRY.get();
  }

  /** A task's share on its thread; closing it puts the thread's previous share back. */
  @FunctionalInterface
  interface TaskScope extends AutoCloseable {
    @Override
    void close();
  }

  /** The CPUs one call got; given back once, when the call ends. */
  static final class Grant {
    private final CpuBudget budget;
    private final int workers;
    private final int cpus;
    private int toGiveBack;

    private Grant(CpuBudget budget, int workers, int cpus, int toGiveBack) {
      this.budget = budget;
      this.workers = workers;
      this.cpus = cpus;
      this.toGiveBack = toGiveBack;
    }

    /**
     * Returns the workers the call may use.
     *
     * @return at least 1
     */
    int workers() {
      return workers;
    }

    /**
     * Returns the CPUs of the call and of everything nested in it.
     *
     * @return at least {@link #workers()}
     */
    int cpus() {
      return cpus;
    }

    /**
     * Returns each task's share.
     *
     * @param workersUsed the workers the backend really uses
     * @param tasks the number of tasks, or a negative number when unknown
     * @return at least 1
     */
    int taskShare(int workersUsed, long tasks) {
      long busy = tasks > 0 ? Math.min(workersUsed, tasks) : workersUsed;
      return (int) Math.max(cpus / Math.max(busy, 1), 1);
    }

    /** Gives the CPUs back; later calls do nothing. */
    void release() {
      int cpusHeld;
      synchronized (this) {
        cpusHeld = toGiveBack;
        toGiveBack = 0;
      }
      if (cpusHeld > 0) {
        budget.giveBack(cpusHeld);
      }
    }
  }
}
