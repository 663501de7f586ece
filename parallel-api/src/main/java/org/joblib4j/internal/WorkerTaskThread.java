package org.joblib4j.internal;

/**
 * The thread that runs a worker JVM's tasks, when this JVM is a worker: the worker-JVM toolkit
 * marks it, and the engine's CPU budget gives the calls made on it the worker's CPUs (its thread
 * limit). For the engine and the toolkit only.
 */
public final class WorkerTaskThread {
  private static volatile Thread current;

  private WorkerTaskThread() {}

  /** Marks the calling thread as the one that runs this worker JVM's tasks. */
  public static void mark() {
    current = Thread.currentThread();
  }

  /**
   * Whether the calling thread runs this worker JVM's tasks.
   *
   * @return false outside worker JVMs and on their other threads
   */
  public static boolean isCurrent() {
    return Thread.currentThread() == current;
  }
}
