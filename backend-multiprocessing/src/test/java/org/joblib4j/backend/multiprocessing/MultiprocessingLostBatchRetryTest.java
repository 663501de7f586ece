package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Outcome;
import org.joblib4j.RetryPolicy;
import org.joblib4j.tck.support.WorkerProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code retry(RetryPolicy)}: a batch whose worker JVM died runs again on its replacement. */
class MultiprocessingLostBatchRetryTest {

  /** Task 3 halts its JVM on its first run only. */
  static long haltsOnceOn3(String folder, Integer x) {
    if (x == 3) {
      WorkerProcesses.haltOnce(folder, 7);
    }
    return ProcessHandle.current().pid();
  }

  @Test
  void aLostBatchRunsAgainOnTheReplacementWorker(@TempDir Path folder) {
    List<Outcome<Long>> outcomes =
        mp(2)
            .batchSize(1)
            .retry(RetryPolicy.attempts(2))
            .build()
            .runOutcomes(
                IntStream.range(0, 6)
                    .mapToObj(
                        i ->
                            delayed(
                                MultiprocessingLostBatchRetryTest::haltsOnceOn3,
                                folder.toString(),
                                i))
                    .collect(Collectors.toList()));

    assertThat(outcomes).allMatch(Outcome::isSuccess);
    assertThat(outcomes.get(3).attempts()).isEqualTo(2);
    // it ran in a worker JVM, not in the test's
    assertThat(outcomes.get(3).get()).isNotEqualTo(MpTestSupport.PARENT_PID);
    assertThat(folder.resolve("halted-once")).exists();
  }
}
