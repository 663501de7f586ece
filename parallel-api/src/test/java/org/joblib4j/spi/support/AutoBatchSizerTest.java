package org.joblib4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** joblib's AutoBatchingMixin arithmetic (reference §4.2). */
class AutoBatchSizerTest {
  private static final long MS = 1_000_000L;

  @Test
  void startsAtOneAndGrowsAtMostTwofoldWhileBatchesAreFast() {
    AutoBatchSizer s = new AutoBatchSizer();
    assertThat(s.computeBatchSize()).isEqualTo(1);
    s.batchCompleted(1, MS); // far below 0.2 s
    assertThat(s.computeBatchSize()).isEqualTo(2);
    s.batchCompleted(2, MS);
    assertThat(s.computeBatchSize()).isEqualTo(4);
  }

  @Test
  void growthStopsAtTheIdealSize() {
    AutoBatchSizer s = new AutoBatchSizer();
    s.batchCompleted(1, 150 * MS); // ideal = int(1 * 0.2 / 0.15) * 2 = 2
    assertThat(s.computeBatchSize()).isEqualTo(2);
  }

  /** A sizer that fast batches grew to 64. */
  private static AutoBatchSizer grownTo64() {
    AutoBatchSizer s = new AutoBatchSizer();
    for (int size = 1; size < 64; size *= 2) {
      s.batchCompleted(size, MS);
      s.computeBatchSize();
    }
    return s;
  }

  @Test
  void shrinksFastWhenBatchesAreSlow() {
    AutoBatchSizer s = grownTo64();
    assertThat(s.computeBatchSize()).isEqualTo(64);
    s.batchCompleted(64, 6400 * MS); // 100 ms per task: ideal = int(64 * 0.2 / 6.4) = 2
    assertThat(s.computeBatchSize()).isEqualTo(4);
  }

  @Test
  void ignoresBatchesOfAnotherSizeAndSmoothsDurations() {
    AutoBatchSizer s = new AutoBatchSizer();
    s.batchCompleted(7, MS);
    assertThat(s.computeBatchSize()).isEqualTo(1);
    s.batchCompleted(1, 300 * MS);
    s.batchCompleted(1, 100 * MS); // smoothed 0.8*300 + 0.2*100 = 260 ms: within bounds
    assertThat(s.computeBatchSize()).isEqualTo(1);
  }

  @Test
  void aCapGivenPerCallIsTheSizeLearntFrom() {
    AutoBatchSizer s = grownTo64();
    assertThat(s.computeBatchSize(16)).isEqualTo(16);
    s.batchCompleted(64, MS); // a batch cut before the cap no longer counts
    assertThat(s.computeBatchSize(16)).isEqualTo(16);
    s.batchCompleted(16, 3200 * MS); // capped batches turned slow: 200 ms per task
    assertThat(s.computeBatchSize(16)).isEqualTo(2);
  }

  @Test
  void respectsTheCapAndResets() {
    AutoBatchSizer s =
        new AutoBatchSizer(AutoBatchSizer.DEFAULT_MIN_NANOS, AutoBatchSizer.DEFAULT_MAX_NANOS, 3);
    s.batchCompleted(1, MS);
    assertThat(s.computeBatchSize()).isEqualTo(2);
    s.batchCompleted(2, MS);
    assertThat(s.computeBatchSize()).isEqualTo(3);
    s.reset();
    assertThat(s.computeBatchSize()).isEqualTo(1);
    assertThatThrownBy(() -> new AutoBatchSizer(0, 1, 1))
        .hasMessage("need 0 < minNanos <= maxNanos and maxBatchSize >= 1, got 0, 1, 1");
  }

  @Test
  void aTinyBatchJumpsToTheSizeExpectedToTakeTheJumpDuration() {
    AutoBatchSizer s =
        new AutoBatchSizer(
            AutoBatchSizer.DEFAULT_MIN_NANOS,
            AutoBatchSizer.DEFAULT_MAX_NANOS,
            Integer.MAX_VALUE,
            20 * MS);
    s.batchCompleted(1, MS / 2); // 0.5 ms: 20 ms holds 40 such batches
    assertThat(s.computeBatchSize()).isEqualTo(40);
    s.batchCompleted(40, 4 * MS); // 0.1 ms per task: 20 ms holds 200
    assertThat(s.computeBatchSize()).isEqualTo(200);
    s.batchCompleted(200, 15 * MS); // above the jump duration: joblib's doubling again
    assertThat(s.computeBatchSize()).isEqualTo(400);
  }

  @Test
  void slowTasksGrowAsInJoblibWithAJumpDurationSet() {
    AutoBatchSizer s =
        new AutoBatchSizer(
            AutoBatchSizer.DEFAULT_MIN_NANOS,
            AutoBatchSizer.DEFAULT_MAX_NANOS,
            Integer.MAX_VALUE,
            20 * MS);
    s.batchCompleted(1, 100 * MS);
    assertThat(s.computeBatchSize()).isEqualTo(2);
    s.batchCompleted(2, 150 * MS); // ideal = int(2 * 0.2 / 0.15) * 2 = 4
    assertThat(s.computeBatchSize()).isEqualTo(4);
    assertThatThrownBy(() -> new AutoBatchSizer(10, 20, 1, 10))
        .hasMessage("need 0 <= jumpNanos < minNanos, got 10 and 10");
  }

  @Test
  void eachAdjustmentLeavesJoblibsVerboseNoteOnce() {
    AutoBatchSizer s = new AutoBatchSizer();
    assertThat(s.takeChange()).isNull();
    s.computeBatchSize();
    assertThat(s.takeChange()).as("nothing learnt yet").isNull();
    s.batchCompleted(1, 12_345_678L);
    assertThat(s.computeBatchSize()).isEqualTo(2);
    assertThat(s.takeChange())
        .isEqualTo("Batch computation too fast (0.0123s.) Setting batch_size=2.");
    assertThat(s.takeChange()).isNull();

    AutoBatchSizer slow = grownTo64();
    slow.takeChange();
    slow.batchCompleted(64, 6400 * MS);
    assertThat(slow.computeBatchSize()).isEqualTo(4);
    assertThat(slow.takeChange())
        .isEqualTo("Batch computation too slow (6.4000s.) Setting batch_size=4.");

    // a size only the cap changed is no adjustment of joblib's
    AutoBatchSizer capped = grownTo64();
    capped.takeChange();
    assertThat(capped.computeBatchSize(16)).isEqualTo(16);
    assertThat(capped.takeChange()).isNull();
  }

  @Test
  void aClusterSizerMayGrowMoreThanTwofoldPerStep() {
    AutoBatchSizer s =
        new AutoBatchSizer(
            AutoBatchSizer.DEFAULT_MIN_NANOS, AutoBatchSizer.DEFAULT_MAX_NANOS, 1000, 0, 4);
    s.batchCompleted(1, MS);
    assertThat(s.computeBatchSize()).isEqualTo(4);
    s.batchCompleted(4, MS);
    assertThat(s.computeBatchSize()).isEqualTo(16);
    assertThatThrownBy(() -> new AutoBatchSizer(1, 2, 1, 0, 1))
        .hasMessage("need growth >= 2, got 1");
  }
}
