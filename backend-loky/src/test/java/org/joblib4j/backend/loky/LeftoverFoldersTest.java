package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.process.OwnedFolders;
import org.joblib4j.tck.support.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parent JVM killed with SIGKILL mid-call cannot delete its memory-mapped folder (RAM, when it is
 * in /dev/shm) nor its workers' socket folder: a later JVM sweeps them, as loky's resource tracker
 * does.
 */
class LeftoverFoldersTest {
  static final String MEMMAP = "joblib4j_memmapping_folder_";

  /** The parent: a loky call with a large array, whose task announces itself and never ends. */
  public static final class Parent {
    public static void main(String[] args) {
      String base = args[0];
      String markers = args[1];
      System.setProperty("java.io.tmpdir", args[2]);
      double[] big = LokyMemmapTest.bigArray();
      Parallel.builder()
          .backend("loky")
          .nJobs(2)
          .batchSize(1)
          .maxNbytes("1M")
          .tempFolder(Path.of(base))
          .build()
          .run(
              IntStream.range(0, 2)
                  .mapToObj(i -> (Task<Double>) () -> announceThenSpin(markers, big)));
      System.out.println("UNEXPECTED the call returned");
    }
  }

  static double announceThenSpin(String markers, double[] big) {
    LokyTestSupport.writePid(markers);
    LokyTestSupport.spinForever();
    return big[0];
  }

  static List<Path> named(Path dir, String prefix) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .collect(Collectors.toList());
    }
  }

  @Test
  void theFoldersOfAParentKilledMidCallAreSweptByALaterJvm(
      @TempDir Path base, @TempDir Path markers, @TempDir Path tmp) throws Exception {
    List<Long> workers = List.of();
    try (ChildJvm parent =
        ChildJvm.start(
            Parent.class, Map.of(), base.toString(), markers.toString(), tmp.toString())) {
      await("the parent's first task to start in a worker")
          .atMost(Duration.ofSeconds(60))
          .failFast("the parent exited", () -> !parent.process.isAlive())
          .until(() -> !LokyTestSupport.pidFiles(markers.toString()).isEmpty());
      assertThat(parent.process.isAlive())
          .as("parent alive; its output:\n%s", parent.output())
          .isTrue();
      workers = parent.process.descendants().map(ProcessHandle::pid).collect(Collectors.toList());
      assertThat(workers).containsAll(LokyTestSupport.pidFiles(markers.toString()));
      String owner = parent.process.pid() + ".";
      List<Path> memmap = named(base, MEMMAP);
      // (the CDS archive's joblib4j-cds-<user> may be there too: a per-user cache, not a leftover)
      List<Path> sockets = named(tmp, "joblib4j-" + owner);
      assertThat(memmap)
          .singleElement()
          .satisfies(d -> assertThat(d.getFileName().toString()).startsWith(MEMMAP + owner));
      assertThat(sockets).hasSize(1);
      // a sweep while the parent lives keeps everything
      assertThat(OwnedFolders.sweep(base, MEMMAP)).isEmpty();
      assertThat(OwnedFolders.sweep(tmp, "joblib4j-")).isEmpty();

      parent.process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertThat(parent.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      LokyTestSupport.awaitAllDead(workers, Duration.ofSeconds(10));
      assertThat(named(base, MEMMAP)).as("the killed parent's leftover").isEqualTo(memmap);
      assertThat(named(tmp, "joblib4j-" + owner)).isEqualTo(sockets);

      assertThat(OwnedFolders.sweep(tmp, "joblib4j-")).isEqualTo(sockets);
      assertThat(named(tmp, "joblib4j-" + owner)).isEmpty();
      // this JVM's first memory-mapped call in that folder sweeps it on its own
      double[] big = LokyMemmapTest.bigArray();
      List<Integer> lengths =
          LokyTestSupport.loky(2)
              .maxNbytes("1M")
              .tempFolder(base)
              .build()
              .run(IntStream.range(0, 2).mapToObj(i -> (Task<Integer>) () -> big.length));
      assertThat(lengths).containsExactly(big.length, big.length);
      await("the leftover to be swept")
          .atMost(Duration.ofSeconds(10))
          .until(() -> named(base, MEMMAP).isEmpty());
    } finally {
      workers.forEach(w -> ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly));
    }
  }
}
