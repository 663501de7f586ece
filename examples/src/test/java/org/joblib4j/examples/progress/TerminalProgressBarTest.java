package org.joblib4j.examples.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.examples.progress.Events.at;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {
  private static final String NL = System.lineSeparator();
  private final Events events = new Events();
  private final TerminalProgressBar bar = new TerminalProgressBar(events.out, "n_jobs=2", 4);

  @Test
  void redrawsOneLineAtMostTenTimesASecondAndEndsItWithANewline() {
    bar.onStart(at(0, 0, 4));
    bar.onBatchCompleted(at(50, 1, 4)); // 50 ms after the last redraw: skipped
    bar.onBatchCompleted(at(200, 2, 4));
    bar.onFinish(at(400, 4, 4));

    assertThat(events.printed())
        .isEqualTo(
            "\rn_jobs=2 [................] 0/4   0% | 0.0 tasks/s | 0:00.0 | ETA ?"
                + "\rn_jobs=2 [########........] 2/4  50% | 10.0 tasks/s | 0:00.2 | ETA 0:00.2"
                // six spaces wipe the end of the longer line before
                + "\rn_jobs=2 [################] 4/4 100% | 10.0 tasks/s | 0:00.4 | done      "
                + NL);
  }

  @Test
  void aLateEventNeverMovesTheBarBackwards() {
    bar.onBatchCompleted(at(300, 3, 4));
    bar.onBatchCompleted(at(250, 2, 4)); // computed earlier on another thread, delivered later
    bar.onBatchCompleted(at(500, 3, 4));

    assertThat(events.printed())
        .isEqualTo(
            "\rn_jobs=2 [############....] 3/4  75% | 10.0 tasks/s | 0:00.3 | ETA 0:00.1"
                + "\rn_jobs=2 [############....] 3/4  75% | 6.0 tasks/s | 0:00.5 | ETA 0:00.1 ");
  }

  @Test
  void takesTheTotalFromTheEventsWhenTheyKnowItAndSaysHowTheCallFailed() {
    TerminalProgressBar unknown = new TerminalProgressBar(events.out, "x", -1);
    unknown.onBatchCompleted(at(1000, 2, -1));
    unknown.onFinish(Events.failedAt(2000, 3, 10, new IllegalStateException("boom")));

    assertThat(events.printed())
        .isEqualTo(
            "\rx [................] 2 tasks | 2.0 tasks/s | 0:01.0 | ETA ?"
                + "\rx [####............]  3/10  30% | 1.5 tasks/s | 0:02.0 | failed: IllegalStateException"
                + NL);
  }

  @Test
  void eventsFromManyThreadsAreDrawnOneWholeLineAtATime() throws InterruptedException {
    int threads = 4;
    int perThread = 250;
    TerminalProgressBar shared = new TerminalProgressBar(events.out, "n", threads * perThread);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t * perThread;
      Thread sender =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 1; i <= perThread; i++) {
                  // every event is 100 ms later than the one before: all are drawn
                  shared.onBatchCompleted(at(100L * (first + i), first + i, threads * perThread));
                }
              });
      sender.start();
      senders.add(sender);
    }
    go.countDown();
    for (Thread sender : senders) {
      sender.join();
    }
    shared.onFinish(at(100_000, 1000, 1000));

    String[] lines = events.printed().split("\r", -1);
    assertThat(lines[0]).isEmpty();
    assertThat(List.of(lines).subList(1, lines.length - 1))
        .hasSizeGreaterThan(1)
        .allMatch(
            l ->
                l.matches(
                    "n \\[[#.]{16}] +\\d+/1000 +\\d+% \\| [0-9.]+ tasks/s \\| [0-9:.]+ \\| .*"));
    assertThat(lines[lines.length - 1])
        .isEqualTo(
            "n [################] 1000/1000 100% | 10.0 tasks/s | 1:40.0 | done"
                + " ".repeat(6)
                + NL);
  }
}
