package org.joblib4j.examples.progress;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A live progress bar for a terminal: one line redrawn with {@code \r}, at most ten times a second
 * by the events' clock, finished with a newline. Thread-safe: events from several threads are drawn
 * one at a time, and late ones never move the bar backwards.
 *
 * <pre>
 * n_jobs=-1 [########........] 24/48  50% | 45.3 tasks/s | 0:00.5 | ETA 0:00.5
 * </pre>
 */
public final class TerminalProgressBar extends ProgressDisplay {
  /** The least time between two redraws. */
  static final Duration REDRAW_INTERVAL = Duration.ofMillis(100);

  private Duration lastDraw;
  private int lastLength;

  /**
   * Creates a bar.
   *
   * @param out the terminal
   * @param label printed before the bar
   * @param expectedTotal the number of tasks, or -1 when unknown
   */
  public TerminalProgressBar(PrintStream out, String label, long expectedTotal) {
    super(out, label, expectedTotal);
  }

  @Override
  void started() {
    draw(ProgressText.eta(counts), "");
  }

  @Override
  void advanced() {
    if (lastDraw == null || counts.elapsed().minus(lastDraw).compareTo(REDRAW_INTERVAL) >= 0) {
      draw(ProgressText.eta(counts), "");
    }
  }

  @Override
  void finished(String outcome) {
    draw(outcome, System.lineSeparator());
  }

  private void draw(String ending, String end) {
    String line =
        label + " " + ProgressText.bar(counts) + " " + ProgressText.status(counts, ending);
    // spaces wipe what a longer previous line left behind
    String padding = " ".repeat(Math.max(0, lastLength - line.length()));
    out.print("\r" + line + padding + end);
    out.flush();
    lastDraw = counts.elapsed();
    lastLength = line.length();
  }
}
