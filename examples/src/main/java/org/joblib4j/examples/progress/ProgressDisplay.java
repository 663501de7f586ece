package org.joblib4j.examples.progress;

import java.io.PrintStream;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;

/**
 * A listener that shows one call's progress. It serialises the events, which arrive on the
 * backend's threads, and folds each into the {@link ProgressCounts} before the display sees it.
 */
abstract class ProgressDisplay implements ProgressListener {
  /** Where the display prints. */
  final PrintStream out;

  /** Printed at the start of each line. */
  final String label;

  /** The counters so far; read only while holding this object's lock. */
  final ProgressCounts counts;

  ProgressDisplay(PrintStream out, String label, long expectedTotal) {
    this.out = out;
    this.label = label;
    this.counts = new ProgressCounts(expectedTotal);
  }

  @Override
  public final synchronized void onStart(ProgressEvent event) {
    counts.update(event);
    started();
  }

  @Override
  public final synchronized void onBatchCompleted(ProgressEvent event) {
    counts.update(event);
    advanced();
  }

  @Override
  public final synchronized void onFinish(ProgressEvent event) {
    counts.update(event);
    finished(ProgressText.outcome(event));
  }

  /** The call started; {@link #counts} has its total if known. */
  abstract void started();

  /** A batch completed; {@link #counts} is up to date. */
  abstract void advanced();

  /**
   * The call ended.
   *
   * @param outcome {@code done} or {@code failed: ...}
   */
  abstract void finished(String outcome);
}
