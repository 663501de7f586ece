package org.joblib4j.examples.progress;

import java.time.Duration;
import java.util.Locale;
import org.joblib4j.ProgressEvent;

/** The text both progress displays show: counts, rate, elapsed time and the ETA or the outcome. */
final class ProgressText {
  /** Characters inside the bar's brackets: short enough for the line to fit 80 columns. */
  static final int BAR_WIDTH = 16;

  private ProgressText() {}

  /**
   * {@code 24/48 50% | 45.3 tasks/s | 0:00.5 | ETA 0:00.5} (the third is the elapsed time); the
   * done count is padded to the total's width so that a redrawn line keeps its length.
   */
  static String status(ProgressCounts c, String ending) {
    double seconds = c.elapsed().toNanos() / 1e9;
    double rate = seconds > 0 ? c.done() / seconds : 0;
    String counts =
        c.total() < 0
            ? c.done() + " tasks"
            : String.format(
                Locale.ROOT,
                "%" + String.valueOf(c.total()).length() + "d/%d %3d%%",
                c.done(),
                c.total(),
                c.total() == 0 ? 100 : c.done() * 100 / c.total());
    return String.format(
        Locale.ROOT, "%s | %.1f tasks/s | %s | %s", counts, rate, clock(c.elapsed()), ending);
  }

  /** {@code [########........]}; all dots while the total is unknown. */
  static String bar(ProgressCounts c) {
    int filled =
        c.total() <= 0
            ? (c.total() == 0 ? BAR_WIDTH : 0)
            : (int) Math.min(BAR_WIDTH, c.done() * BAR_WIDTH / c.total());
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  /** The ETA from the rate so far, {@code ETA ?} before the first task or without a total. */
  static String eta(ProgressCounts c) {
    if (c.done() == 0 || c.total() < 0) {
      return "ETA ?";
    }
    long remaining = Math.max(0, c.total() - c.done());
    return "ETA " + clock(c.elapsed().multipliedBy(remaining).dividedBy(c.done()));
  }

  /** How the call ended: {@code done}, or {@code failed: ExceptionClass}. */
  static String outcome(ProgressEvent finish) {
    return finish.failure().map(e -> "failed: " + e.getClass().getSimpleName()).orElse("done");
  }

  /** {@code m:ss.s}, e.g. {@code 0:01.2}, {@code 12:00.0}. */
  static String clock(Duration d) {
    long tenths = d.toMillis() / 100;
    return String.format(Locale.ROOT, "%d:%02d.%d", tenths / 600, tenths / 10 % 60, tenths % 10);
  }
}
