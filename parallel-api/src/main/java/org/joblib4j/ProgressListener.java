package org.joblib4j;

/**
 * Receives a {@link Parallel} call's progress: joblib's missing completion callback (joblib #1063).
 * Events arrive on the backend's threads; a listener must be thread-safe and quick. An exception
 * thrown by a listener is logged and otherwise ignored.
 *
 * <pre>{@code
 * Parallel.builder().progress(new ProgressListener() {
 *   public void onBatchCompleted(ProgressEvent e) {
 *     System.out.printf("%d/%d%n", e.completedTasks(), e.totalTasks());
 *   }
 * }).build().run(tasks);
 * }</pre>
 */
public interface ProgressListener {

  /**
   * The call has been configured and is about to dispatch its first batch.
   *
   * @param event the state at the start
   */
  default void onStart(ProgressEvent event) {}

  /**
   * A batch finished successfully.
   *
   * @param event the state after it
   */
  default void onBatchCompleted(ProgressEvent event) {}

  /**
   * A task ended (returned, or threw: with {@code COLLECT}, each failure; otherwise the one that
   * stopped the call), with its run time and worker where the backend has them. Called after the
   * batch's {@link #onBatchCompleted}, once per task of it.
   *
   * @param event the task's end
   */
  default void onTaskCompleted(TaskEvent event) {}

  /**
   * The call ended: all results ready, or failed, timed out or cancelled ({@link
   * ProgressEvent#failure()} says which).
   *
   * @param event the final state
   */
  default void onFinish(ProgressEvent event) {}
}
