package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SizeEstimateTest {
  record Point(int x, String label) {}

  record Dataset(String name, double[][] rows) {}

  @Test
  void aRecordOfNumbersAndStringsIsSmall() {
    assertThat(SizeEstimate.atLeast(new Point(3, "a label"), 64 * 1024)).isFalse();
  }

  @Test
  void largeArraysInsideRecordsAndListsAreSeen() {
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < 200; r++) {
      rows.add(new double[1000]);
    }
    assertThat(SizeEstimate.atLeast(rows, 64 * 1024)).isTrue();
    assertThat(SizeEstimate.atLeast(new Dataset("d", new double[100][100]), 64 * 1024)).isTrue();
    assertThat(SizeEstimate.atLeast(Map.of("k", new long[10_000]), 64 * 1024)).isTrue();
  }

  @Test
  void aSmallNestedGraphIsSmallAndAVeryLargeOneCountsAsLarge() {
    assertThat(SizeEstimate.atLeast(new Dataset("d", new double[4][4]), 64 * 1024)).isFalse();
    List<Point> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(new Point(i, "p"));
    }
    assertThat(SizeEstimate.atLeast(many, 64 * 1024)).isTrue();
  }
}
