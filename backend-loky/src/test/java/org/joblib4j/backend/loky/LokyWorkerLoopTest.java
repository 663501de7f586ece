package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A worker JVM's two threads take turns reading the channel and running batches: a batch starts on
 * the thread that read it, so the thread that ran a task later reads the channel.
 */
class LokyWorkerLoopTest {

  /** Leaves its thread interrupted, as a careless task may. */
  static long interruptsItself(int i) {
    Thread.currentThread().interrupt();
    return ProcessHandle.current().pid();
  }

  static boolean seesAnInterrupt(int i) {
    return Thread.currentThread().isInterrupted();
  }

  @Test
  void aTaskThatLeavesItsThreadInterruptedHarmsNeitherTheChannelNorTheNextBatch() {
    List<Long> before =
        LokyTestSupport.loky(2)
            .batchSize(1)
            .build()
            .run(
                IntStream.range(0, 40)
                    .mapToObj(i -> delayed(LokyWorkerLoopTest::interruptsItself, i)));
    Set<Long> workers = new HashSet<>(LokyBackend.workerPids());
    assertThat(new HashSet<>(before)).isSubsetOf(workers);
    // those threads have read the channel since (an interrupted read would have closed it) and run
    // these batches with their interrupt cleared
    List<Boolean> interrupted =
        LokyTestSupport.loky(2)
            .batchSize(1)
            .build()
            .run(
                IntStream.range(0, 40)
                    .mapToObj(i -> delayed(LokyWorkerLoopTest::seesAnInterrupt, i)));
    assertThat(interrupted).hasSize(40).containsOnly(false);
    assertThat(new HashSet<>(LokyBackend.workerPids())).isEqualTo(workers);
  }
}
