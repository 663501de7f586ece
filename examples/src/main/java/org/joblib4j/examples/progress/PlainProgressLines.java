package org.joblib4j.examples.progress;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress for logs and pipes: whole lines, one each time another quarter of the tasks is done or a
 * second has passed since the last line, and one at the end. No {@code \r}. Thread-safe.
 *
 * <pre>
 * n_jobs=-1 24/48  50% | 45.3 tasks/s | 0:00.5 | ETA 0:00.5
 * n_jobs=-1 48/48 100% | 44.0 tasks/s | 0:01.1 | done
 * </pre>
 */
public final class PlainProgressLines extends ProgressDisplay {
  /** The most time between two lines while tasks complete. */
  static final Duration LINE_INTERVAL = Duration.ofSeconds(1);

  /** A line each time another of these parts of the tasks is done. */
  static final int PARTS = 4;

  private Duration lastLine = Duration.ZERO;
  private int lastPart;

  /**
   * Creates the lines.
   *
   * @param out where they go
   * @param label printed at the start of each line
   * @param expectedTotal the number of tasks, or -1 when unknown
   */
  public PlainProgressLines(PrintStream out, String label, long expectedTotal) {
    super(out, label, expectedTotal);
  }

  @Override
  void started() {
    // the first line comes with the first quarter or second
  }

  @Override
  void advanced() {
    int part = counts.partsDone(PARTS);
    if (part == PARTS) {
      return; // the finish line says it
    }
    if (part > lastPart || counts.elapsed().minus(lastLine).compareTo(LINE_INTERVAL) >= 0) {
      print(ProgressText.eta(counts));
      lastPart = Math.max(lastPart, part);
    }
  }

  @Override
  void finished(String outcome) {
    print(outcome);
  }

  private void print(String ending) {
    out.println(label + " " + ProgressText.status(counts, ending));
    out.flush();
    lastLine = counts.elapsed();
  }
}
