package org.joblib4j.examples.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.examples.progress.Events.at;

import org.junit.jupiter.api.Test;

class PlainProgressLinesTest {
  private static final String NL = System.lineSeparator();
  private final Events events = new Events();

  @Test
  void printsALineForEachQuarterAndOneAtTheEnd() {
    PlainProgressLines lines = new PlainProgressLines(events.out, "n_jobs=-1", 8);
    lines.onStart(at(0, 0, 8));
    for (int done = 1; done <= 8; done++) {
      lines.onBatchCompleted(at(100L * done, done, 8));
    }
    lines.onFinish(at(800, 8, 8));

    assertThat(events.printed())
        .isEqualTo(
            "n_jobs=-1 2/8  25% | 10.0 tasks/s | 0:00.2 | ETA 0:00.6"
                + NL
                + "n_jobs=-1 4/8  50% | 10.0 tasks/s | 0:00.4 | ETA 0:00.4"
                + NL
                + "n_jobs=-1 6/8  75% | 10.0 tasks/s | 0:00.6 | ETA 0:00.2"
                + NL
                + "n_jobs=-1 8/8 100% | 10.0 tasks/s | 0:00.8 | done"
                + NL);
  }

  @Test
  void printsAtLeastOnceASecondWhileTasksComplete() {
    PlainProgressLines lines = new PlainProgressLines(events.out, "n_jobs=1", 100);
    lines.onBatchCompleted(at(900, 1, 100));
    lines.onBatchCompleted(at(1000, 2, 100));
    lines.onBatchCompleted(at(1500, 3, 100));
    lines.onBatchCompleted(at(2000, 4, 100));
    lines.onBatchCompleted(at(2100, 25, 100)); // a quarter

    assertThat(events.printed())
        .isEqualTo(
            "n_jobs=1   2/100   2% | 2.0 tasks/s | 0:01.0 | ETA 0:49.0"
                + NL
                + "n_jobs=1   4/100   4% | 2.0 tasks/s | 0:02.0 | ETA 0:48.0"
                + NL
                + "n_jobs=1  25/100  25% | 11.9 tasks/s | 0:02.1 | ETA 0:06.3"
                + NL);
  }

  @Test
  void withoutATotalCountsTasksOnceASecondAndNeverWritesACarriageReturn() {
    PlainProgressLines lines = new PlainProgressLines(events.out, "gen", -1);
    lines.onBatchCompleted(at(400, 10, -1));
    lines.onBatchCompleted(at(1200, 30, -1));
    lines.onFinish(Events.failedAt(1300, 31, -1, new ArithmeticException()));

    assertThat(events.printed())
        .isEqualTo(
            "gen 30 tasks | 25.0 tasks/s | 0:01.2 | ETA ?"
                + NL
                + "gen 31 tasks | 23.8 tasks/s | 0:01.3 | failed: ArithmeticException"
                + NL);
    assertThat(events.printed().replace(NL, "")).doesNotContain("\r");
  }
}
