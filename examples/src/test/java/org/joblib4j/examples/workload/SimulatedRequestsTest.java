package org.joblib4j.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.joblib4j.Parallel;
import org.junit.jupiter.api.Test;

class SimulatedRequestsTest {

  @Test
  void asksForThreadsAndReturnsTheSameResponsesInParallelAsSequentially() {
    SimulatedRequests requests = new SimulatedRequests(6, 1, 3, 5L);
    long parallel;
    String backend;
    try (Parallel p = requests.configure(Parallel.builder().nJobs(3)).build()) {
      parallel = requests.run(p);
      backend = p.backendName();
    }
    long sequential;
    try (Parallel p = Parallel.builder().nJobs(1).build()) {
      sequential = requests.run(p);
    }
    assertThat(backend).isEqualTo("threading");
    assertThat(parallel)
        .isEqualTo(sequential)
        .isEqualTo(6 * 512L + (0 + 37 + 74 + 111 + 148 + 185));
    assertThat(requests.describe(parallel)).isEqualTo("6 responses, 3627 bytes");
  }
}
