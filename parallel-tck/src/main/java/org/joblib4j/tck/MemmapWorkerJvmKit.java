package org.joblib4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.MemmapDoubleArray;
import org.joblib4j.MmapMode;
import org.joblib4j.Outcome;
import org.joblib4j.WorkerTerminatedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /** What a task saw: the first value of its copy before its write, and the call's files. */
  record Touched(double before, List<String> permissions) implements Serializable {}

  /** Writes into a large captured array and reports what the call's memmapping folder holds. */
  static Touched writeInto(double[] big, String base) throws IOException {
    double before = big[0];
    big[0] = 42;
    List<String> permissions = new ArrayList<>();
    try (Stream<Path> folders = Files.list(Path.of(base))) {
      for (Path folder : folders.collect(Collectors.toList())) {
        permissions.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        try (Stream<Path> files = Files.list(folder)) {
          for (Path f : files.collect(Collectors.toList())) {
            permissions.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
          }
        }
      }
    }
    return new Touched(before, permissions);
  }

  /**
   * A large plain array is still written to the call's file with {@code c} and {@code null}
   * (joblib: {@code None} does not disable dumping), and each batch gets its own copy, so no task's
   * writes reach another batch.
   */
  @Test
  void withMmapModeCopyOnWriteOrNullEachBatchGetsItsOwnCopyOfALargeArray(@TempDir Path base)
      throws IOException {
    double[] big = new double[2 * 1024 * 1024 / Double.BYTES];
    String folder = base.toString();
    for (MmapMode mode : new MmapMode[] {MmapMode.COPY_ON_WRITE, null}) {
      List<Touched> seen =
          runEach(
              parallel().mmapMode(mode).maxNbytes("1M").tempFolder(base),
              12,
              i -> delayed(MemmapWorkerJvmKit::writeInto, big, folder));
      for (Touched t : seen) {
        assertThat(t.before()).as("mode %s", mode).isZero();
        // the call's folder (0700) holding the array once (0600)
        assertThat(t.permissions()).containsExactly("rwx------", "rw-------");
      }
      assertThat(memmappingFolders(base)).isEmpty();
    }
    assertThat(big[0]).isZero();
  }
}
