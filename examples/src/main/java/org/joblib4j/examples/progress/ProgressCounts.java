package org.joblib4j.examples.progress;

import java.time.Duration;
import org.joblib4j.ProgressEvent;

/**
 * One call's counters as its {@link ProgressEvent}s report them. Events come from several threads
 * and may arrive out of order, so the counters only move forward. Not thread-safe: the listener
 * that owns it locks.
 */
final class ProgressCounts {
  private long total;
  private long done;
  private Duration elapsed = Duration.ZERO;

  /**
   * Starts at zero.
   *
   * @param expectedTotal the number of tasks, or -1 when unknown: used until an event says
   */
  ProgressCounts(long expectedTotal) {
    this.total = expectedTotal;
  }

  void update(ProgressEvent event) {
    if (event.totalTasks() >= 0) {
      total = event.totalTasks();
    }
    done = Math.max(done, event.completedTasks());
    if (event.elapsed().compareTo(elapsed) > 0) {
      elapsed = event.elapsed();
    }
  }

  long total() {
    return total;
  }

  long done() {
    return done;
  }

  Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns how many whole parts of the tasks are done.
   *
   * @param parts into how many parts the total is cut
   * @return 0 to {@code parts}, or -1 when the total is unknown
   */
  int partsDone(int parts) {
    if (total <= 0) {
      return total == 0 ? parts : -1;
    }
    return (int) Math.min(parts, done * parts / total);
  }
}
