package org.joblib4j.examples.workload;

import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.TaskEvent;

/**
 * The progress listener of a kept-open {@code Parallel} whose runs each show their own progress
 * line: a {@code Parallel} takes one listener when it is built, so this one passes events on to the
 * display of the current run.
 */
final class SwitchableProgress implements ProgressListener {
  private volatile ProgressListener current = new ProgressListener() {};

  /**
   * Shows the next run's progress on this display.
   *
   * @param display the run's display
   */
  void show(ProgressListener display) {
    current = display;
  }

  @Override
  public void onStart(ProgressEvent event) {
    current.onStart(event);
  }

  @Override
  public void onBatchCompleted(ProgressEvent event) {
    current.onBatchCompleted(event);
  }

  @Override
  public void onTaskCompleted(TaskEvent event) {
    current.onTaskCompleted(event);
  }

  @Override
  public void onFinish(ProgressEvent event) {
    current.onFinish(event);
  }
}
