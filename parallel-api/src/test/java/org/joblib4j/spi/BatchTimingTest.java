package org.joblib4j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.joblib4j.Task;
import org.junit.jupiter.api.Test;

/** Each task's run time is recorded only when a progress listener will read it. */
class BatchTimingTest {
  private static final List<Task<?>> TASKS = List.of((Task<Integer>) () -> 1, () -> 2);

  @Test
  void timedOptionsRecordEachTasksRunTime() throws Exception {
    Batch batch = new Batch(0, TASKS, null, new Batch.Options(null, false, 0, true));
    assertThat(batch.call()).containsExactly(1, 2);
    long[] nanos = batch.taskNanos();
    assertThat(nanos).hasSize(2);
    assertThat(java.util.Arrays.stream(nanos).min().getAsLong()).isNotNegative();
    assertThat(batch.ranOn()).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void byDefaultNoRunTimeIsRecordedButTheThreadIs() throws Exception {
    Batch batch = new Batch(0, TASKS, null);
    assertThat(batch.options().timed()).isFalse();
    assertThat(batch.call()).containsExactly(1, 2);
    assertThat(batch.taskNanos()).isNull();
    assertThat(batch.ranOn()).isEqualTo(Thread.currentThread().getName());
  }
}
