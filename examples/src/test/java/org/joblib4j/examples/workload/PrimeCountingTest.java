package org.joblib4j.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.joblib4j.Parallel;
import org.junit.jupiter.api.Test;

class PrimeCountingTest {

  @Test
  void countsThePrimesBelowTheLimitWhateverTheChunks() {
    try (Parallel parallel = Parallel.builder().nJobs(2).build()) {
      assertThat(new PrimeCounting(200_000, 16).run(parallel)).isEqualTo(17_984L); // pi(2e5)
      assertThat(new PrimeCounting(100, 7).run(parallel)).isEqualTo(25L);
    }
    assertThat(PrimeCounting.countPrimes(new int[] {0, 11})).isEqualTo(4);
  }
}
