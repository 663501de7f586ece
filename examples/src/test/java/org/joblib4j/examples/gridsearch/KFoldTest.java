package org.joblib4j.examples.gridsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KFoldTest {

  @Test
  void testSetsPartitionTheRowsAndTrainSetsAreTheirComplements() {
    List<Split> splits = KFold.split(23, 4, 9L);

    assertThat(splits).hasSize(4);
    assertThat(splits.stream().flatMapToInt(s -> IntStream.of(s.test())).sorted().toArray())
        .isEqualTo(IntStream.range(0, 23).toArray());
    for (Split s : splits) {
      assertThat(s.test().length).isBetween(5, 6);
      assertThat(
              IntStream.concat(IntStream.of(s.train()), IntStream.of(s.test())).sorted().toArray())
          .isEqualTo(IntStream.range(0, 23).toArray());
    }
  }

  @Test
  void isReproducibleForASeed() {
    assertThat(KFold.split(50, 5, 1L).get(2).test())
        .isEqualTo(KFold.split(50, 5, 1L).get(2).test());
  }
}
