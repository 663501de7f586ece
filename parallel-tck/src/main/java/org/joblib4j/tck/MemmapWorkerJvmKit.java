package org.joblib4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.MemmapDoubleArray;
import org.joblib4j.Outcome;
import org.joblib4j.WorkerTerminatedException;
import org.junit.jupiter.api.Test;

/**
 * {@link MemmapCompatibilityKit} on a backend whose tasks run in worker JVMs of the caller's host
 * ({@code loky}, {@code multiprocessing}), with what only real processes show: a worker killed in
 * the middle of a call.
 */
public abstract class MemmapWorkerJvmKit extends MemmapCompatibilityKit {
  @Override
  protected final boolean shipsTasks() {
    return true;
  }

  @Override
  protected final boolean runsInWorkerJvms() {
    return true;
  }

  /** The task whose worker JVM dies, right after its write. */
  static final int KILLED = 13;

  @Test
  void aWorkerKilledMidCallLeavesEveryWriteIntact() throws IOException {
    try (MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), N)) {
      List<Outcome<Object>> outcomes =
          parallel()
              .errorPolicy(ErrorPolicy.COLLECT)
              .build()
              .runOutcomes(
                  IntStream.range(0, N)
                      .mapToObj(
                          i ->
                              delayed(
                                  () -> {
                                    out.set(i, valueOf(i));
                                    if (i == KILLED) {
                                      Runtime.getRuntime().halt(9);
                                    }
                                    return null;
                                  })));
      for (Outcome<Object> o : outcomes) {
        if (o.index() == KILLED) {
          assertThat(o.failure()).isInstanceOf(WorkerTerminatedException.class);
        } else {
          assertThat(o.isSuccess()).as("task %d", o.index()).isTrue();
        }
      }
      // the other workers' writes, and the dead worker's own before it died, are all there
      assertThat(out.toArray()).containsExactly(expected(N));
    }
  }
}
