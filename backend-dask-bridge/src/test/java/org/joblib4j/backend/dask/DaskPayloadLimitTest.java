package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.tck.SerializedZeros;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A batch larger than one frame of the bridge carries fails early, in the caller, naming the task
 * and its size, before any of it reaches the cluster (it used to grow a byte array to 2 GiB and
 * fail with a bare {@code OutOfMemoryError}); the bridge lives on.
 */
@Timeout(120)
class DaskPayloadLimitTest {
  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @Test
  void aBatchPastTheLimitFailsInTheCallerNamingTheTaskAndNoneOfItRuns() throws IOException {
    Path dir = DaskTestSupport.testDir("payload-limit");
    // two batches of 6 (a slice of batchSize * nJobs tasks is cut in nJobs batches)
    List<Task<?>> tasks =
        IntStream.range(0, 12)
            .mapToObj(i -> new ZerosTask(dir.toString(), i, 6000))
            .collect(Collectors.toList());
    DaskDistributedBackend backend =
        new DaskDistributedBackend(new BackendContext("dask", DaskTestSupport.local()), 20_000);
    try (Parallel p =
        Parallel.builder().backend(backend).nJobs(2).batchSize(6).preDispatch("all").build()) {
      TaskSerializationException e =
          catchThrowableOfType(() -> p.run(tasks), TaskSerializationException.class);
      long[] t = SerializedZeros.totals(tasks.subList(0, 6).toArray());
      assertThat(e.taskIndex()).isEqualTo(3);
      assertThat(e)
          .hasMessage(
              "Could not serialize the task to send it to the workers. Task 3 takes the batch of tasks 0..5"
                  + " to "
                  + t[3]
                  + " bytes serialized (it adds "
                  + (t[3] - t[2])
                  + " bytes), more than the"
                  + " 20000 bytes one batch can carry to a worker JVM. Send large values once (scatter,"
                  + " auto-scatter), read large data from shared storage in the task, or use a smaller batch"
                  + " size.");
      assertThat(DaskTestSupport.countFiles(dir, "ran-")).isZero();
      // the same Parallel, its bridge and cluster go on
      assertThat(
              p.<Integer>run(IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .containsExactly(1, 2, 3, 4);
    }
  }
}
