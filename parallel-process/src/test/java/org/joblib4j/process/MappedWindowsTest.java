package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-mapped array is written and read through several mappings when it is larger than one
 * (one mapping cannot pass 2 GiB): small windows here, with values and rows across their edges.
 */
class MappedWindowsTest {
  @TempDir Path dir;

  @Test
  void aFlatArrayReadsBackThroughManyWindows() throws Exception {
    double[] values = new double[1001];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.5;
    }
    Path file = dir.resolve("d.bin");
    ArraySpiller.write(values, 'D', file, 8L * values.length, 0, 24);
    assertThat(
            (double[]) new SpilledArray(file, 'D', values.length, null, false).readFlat(file, 40))
        .isEqualTo(values);
  }

  @Test
  void rowsOfANestedArrayMayStraddleWindows() throws Exception {
    int[][] rows = {{1, 2, 3}, {}, {4, 5, 6, 7, 8}, {9, 10}};
    Path file = dir.resolve("i.bin");
    ArraySpiller.write(rows, 'I', file, 4L * 10, 1, 8);
    int[] flat = (int[]) new SpilledArray(file, 'I', 10, null, false).readFlat(file, 16);
    assertThat(flat).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  }

  @Test
  void everyElementTypeCrossesWindows() throws Exception {
    Object[] arrays = {
      new long[] {1, -2, 3},
      new float[] {1.5f, 2.5f, 3.5f},
      new short[] {1, 2, 3, 4, 5},
      new char[] {'a', 'b', 'c', 'd', 'e'},
      new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
    };
    char[] kinds = {'J', 'F', 'S', 'C', 'B'};
    for (int k = 0; k < arrays.length; k++) {
      int length = java.lang.reflect.Array.getLength(arrays[k]);
      Path file = dir.resolve(kinds[k] + ".bin");
      ArraySpiller.write(
          arrays[k], kinds[k], file, (long) ArraySpiller.width(kinds[k]) * length, 0, 8);
      assertThat(new SpilledArray(file, kinds[k], length, null, false).readFlat(file, 8))
          .as("%s", kinds[k])
          .isEqualTo(arrays[k]);
    }
  }
}
