package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.process.TransferCounters;
import org.joblib4j.tck.BackendCompatibilityKit;
import org.joblib4j.tck.MemmapCompatibilityKit;
import org.joblib4j.tck.SerializedZeros;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ray backend on a real Ray 2.58 head node: the embedded default (a separate {@code ray start
 * --head --block} process on 127.0.0.1, stopped by its PID). One head and one Ray runtime serve the
 * whole class, the compatibility kit included; {@link #stopAndCheckNothingIsLeft} checks that
 * closing leaves no process, directory or native library behind.
 */
class RayClusterTest extends BackendCompatibilityKit {
  private static Set<String> rayTmpBefore;
  private static long headPid;
  private static Path headDir;
  private static List<ProcessHandle> headTree = new ArrayList<>();

  @Override
  protected String backendName() {
    return "ray";
  }

  @Override
  protected boolean shipsTasks() {
    return true;
  }

  @BeforeAll
  static void startHead() {
    RayTestSupport.requireRay();
    rayTmpBefore = RayTestSupport.rayTmp();
    // the first call starts the embedded head and the Ray job
    assertThat(
            Parallel.builder()
                .backend("ray")
                .nJobs(2)
                .build()
                .map(RayTestSupport::square, List.of(1, 2)))
        .containsExactly(1, 4);
    assertThat(RayRuntime.target()).isEqualTo("embedded");
    EmbeddedHead head = RayRuntime.current().head();
    headPid = head.pid();
    headDir = head.dir();
  }

  @AfterAll
  static void stopAndCheckNothingIsLeft() {
    ProcessHandle.of(headPid)
        .ifPresent(
            h -> {
              headTree.add(h);
              h.descendants().forEach(headTree::add);
            });
    RayRuntime.shutdown();
    assertThat(RayRuntime.target()).isNull();
    for (ProcessHandle h : headTree) {
      assertThat(h.isAlive()).as("process %s of the head", h.pid()).isFalse();
    }
    assertThat(headDir).doesNotExist();
    assertThat(RayTestSupport.leakedSince(rayTmpBefore))
        .as("native-library copies left in /tmp/ray")
        .isEmpty();
  }

  /** Task 1's result is 2 GiB serialized, held by nobody; the others are their index. */
  static Object twoGibibytesAt1(int i) {
    return i == 1 ? new SerializedZeros(1L << 31) : i;
  }

  /** What the ray backend adds to the kit. */
  @Nested
  class OnTheCluster {
    @Test
    void nJobsDefaultsToTheClusterCpus() {
      Parallel p = Parallel.builder().backend("ray").build();
      assertThat(p.nJobs()).isEqualTo(-1);
      int cpus =
          RayRuntime.clusterCpus(RayOptions.from(org.joblib4j.spi.BackendContext.empty("ray")));
      assertThat(cpus).isEqualTo(Runtime.getRuntime().availableProcessors());
      assertThat(
              new RayBackend(RayOptions.from(org.joblib4j.spi.BackendContext.empty("ray")))
                  .effectiveNJobs(-1))
          .isEqualTo(cpus);
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void onlyTheFolderThisJvmLoadedRaysLibraryFromIsClaimed() throws IOException {
      // another driver's numeric folder, as it could appear while this runtime starts
      Path foreign =
          Files.createDirectories(Path.of("/tmp/ray", "9" + ProcessHandle.current().pid() + "7"));
      try {
        Set<Path> own = RayRuntime.foldersOfLoadedLibraries();
        assertThat(own).doesNotContain(foreign);
        assertThat(own)
            .isNotEmpty()
            .allSatisfy(d -> assertThat(d.getParent()).isEqualTo(Path.of("/tmp/ray")));
      } finally {
        Files.deleteIfExists(foreign);
      }
    }

    @Test
    void tasksRunInOtherProcessesAndKeepTheirOrder() {
      List<Long> pids =
          Parallel.builder()
              .backend("ray")
              .nJobs(2)
              .batchSize(1)
              .build()
              .run(
                  IntStream.range(0, 8)
                      .mapToObj(i -> (Task<Long>) () -> ProcessHandle.current().pid()));
      assertThat(pids).hasSize(8).doesNotContain(ProcessHandle.current().pid());
      List<Integer> squares =
          Parallel.builder()
              .backend("ray")
              .build()
              .map(RayTestSupport::square, IntStream.range(0, 200).boxed().toList());
      assertThat(squares).isEqualTo(IntStream.range(0, 200).map(i -> i * i).boxed().toList());
    }

    @Test
    void aLargeCapturedValueTravelsOnceThroughTheObjectStore() {
      List<double[]> rows = new ArrayList<>();
      for (int r = 0; r < 200; r++) {
        double[] row = new double[1000];
        java.util.Arrays.fill(row, r);
        rows.add(row);
      }
      long serialized = TransferCounters.sharedValuesSerialized();
      List<Double> sums =
          Parallel.builder()
              .backend("ray")
              .nJobs(2)
              .batchSize(1)
              .build()
              .run(
                  IntStream.range(0, 12)
                      .mapToObj(i -> (Task<Double>) () -> rows.get(i)[0] * rows.get(i).length));
      assertThat(sums).isEqualTo(IntStream.range(0, 12).mapToObj(i -> i * 1000.0).toList());
      assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);

      // scatter: serialized once for the Parallel, whatever the number of calls
      serialized = TransferCounters.sharedValuesSerialized();
      try (Parallel p =
          Parallel.builder()
              .backend("ray", Map.of("scatter", List.of(rows), "auto-scatter", false))
              .nJobs(2)
              .build()) {
        for (int call = 0; call < 2; call++) {
          assertThat(p.run(IntStream.range(0, 4).mapToObj(i -> (Task<Integer>) () -> rows.size())))
              .containsOnly(200);
        }
      }
      assertThat(TransferCounters.sharedValuesSerialized() - serialized).isEqualTo(1);
    }

    @Test
    void unorderedGeneratorGivesEveryResultOnce() {
      try (ResultIterator<Integer> it =
          Parallel.builder()
              .backend("ray")
              .nJobs(2)
              .returnAs(ReturnAs.GENERATOR_UNORDERED)
              .build()
              .iterate(IntStream.range(0, 20).mapToObj(i -> delayed(RayTestSupport::square, i)))) {
        List<Integer> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        assertThat(got)
            .containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 20).map(i -> i * i).boxed().toList());
      }
    }

    @Test
    void aResultLargerThanAFrameIsNamedWithItsTaskAndSize() throws IOException {
      // two batches of 3 (a slice of batchSize * nJobs tasks is cut in nJobs batches)
      Throwable e =
          catchThrowable(
              () ->
                  Parallel.builder()
                      .backend("ray")
                      .nJobs(2)
                      .batchSize(3)
                      .preDispatch("all")
                      .build()
                      .map(
                          RayClusterTest::twoGibibytesAt1, IntStream.range(0, 6).boxed().toList()));
      assertThat(e)
          .isInstanceOf(TaskSerializationException.class)
          .hasMessage(
              "The result of task 1 takes "
                  + SerializedZeros.sizeAfter(0, 1L << 31)
                  + " bytes serialized, more"
                  + " than the 2147483622 bytes one batch's results can carry back from a worker JVM. Write large"
                  + " results to shared storage and return where they are.");
      assertThat(((TaskSerializationException) e).taskIndex()).isEqualTo(1);
    }

    @Test
    void aTaskExceptionComesBackWithItsTypeAndRemoteStack() {
      assertThatThrownBy(
              () ->
                  Parallel.builder()
                      .backend("ray")
                      .nJobs(2)
                      .build()
                      .map(RayTestSupport::failAt, IntStream.range(0, 10).boxed().toList()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom-3")
          .satisfies(e -> assertThat(e.getStackTrace()[0].getMethodName()).isEqualTo("failAt"));
    }

    @Test
    void nestedCallsRunOnThreadsInsideTheRayWorker() {
      List<String> got =
          Parallel.builder()
              .backend("ray")
              .nJobs(2)
              .build()
              .run(
                  IntStream.range(0, 2)
                      .mapToObj(
                          i ->
                              (Task<String>)
                                  () -> {
                                    Parallel inner = Parallel.builder().nJobs(2).build();
                                    List<Integer> r =
                                        inner.map(RayTestSupport::square, List.of(1, 2, 3));
                                    return inner.backendName()
                                        + "/"
                                        + inner.nestingLevel()
                                        + "/"
                                        + r;
                                  }));
      assertThat(got).containsOnly("threading/1/[1, 4, 9]");
    }

    @Test
    void aKilledWorkerFailsTheCallClearly(@TempDir Path dir) throws Exception {
      String pidFile = dir.resolve("victim.pid").toString();
      CompletableFuture<List<String>> call =
          CompletableFuture.supplyAsync(
              () ->
                  Parallel.builder()
                      .backend("ray")
                      .nJobs(2)
                      .batchSize(1)
                      .build()
                      .run(
                          List.<Task<String>>of(
                              delayed(RayTestSupport::writePidAndHang, pidFile), () -> "ok")));
      long pid = awaitPid(Path.of(pidFile));
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(WorkerTerminatedException.class)
          .cause()
          .hasMessageContaining("died unexpectedly while running task 0")
          .hasMessageContaining("max-retries");
      // the cluster starts a new worker and goes on
      assertThat(
              Parallel.builder()
                  .backend("ray")
                  .nJobs(2)
                  .build()
                  .map(RayTestSupport::square, List.of(2, 3)))
          .containsExactly(4, 9);
    }

    @Test
    void aKilledWorkerIsRetriedWhenAsked(@TempDir Path dir) throws Exception {
      String pidFile = dir.resolve("victim.pid").toString();
      CompletableFuture<List<String>> call =
          CompletableFuture.supplyAsync(
              () ->
                  Parallel.builder()
                      .backend("ray", Map.of("max-retries", 1))
                      .nJobs(2)
                      .batchSize(1)
                      .build()
                      .run(
                          List.<Task<String>>of(
                              delayed(RayTestSupport::writePidAndHang, pidFile), () -> "ok")));
      long pid = awaitPid(Path.of(pidFile));
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      List<String> got = call.get(60, TimeUnit.SECONDS);
      assertThat(got.get(0)).startsWith("second attempt in pid").doesNotEndWith(" " + pid);
      assertThat(got.get(1)).isEqualTo("ok");
    }

    @Test
    void anAbortedCallKillsTheWorkersOfItsRunningBatches(@TempDir Path dir) throws Exception {
      String pidFile = dir.resolve("stuck.pid").toString();
      CompletableFuture<List<String>> call =
          CompletableFuture.supplyAsync(
              () ->
                  Parallel.builder()
                      .backend("ray")
                      .nJobs(2)
                      .batchSize(1)
                      .timeout(Duration.ofSeconds(3))
                      .build()
                      .run(
                          List.<Task<String>>of(
                              delayed(RayTestSupport::writePidAndHang, pidFile), () -> "ok")));
      long pid = awaitPid(Path.of(pidFile));
      assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(org.joblib4j.ParallelTimeoutException.class);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void nothingListensBeyondLoopback() throws IOException {
      Set<Long> pids = new HashSet<>();
      pids.add(ProcessHandle.current().pid());
      pids.add(headPid);
      ProcessHandle.of(headPid).orElseThrow().descendants().forEach(h -> pids.add(h.pid()));
      Set<String> inodes = new HashSet<>();
      for (long pid : pids) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (var s = Files.list(fds)) {
          for (Path fd : s.toList()) {
            try {
              String target = Files.readSymbolicLink(fd).toString();
              if (target.startsWith("socket:[")) {
                inodes.add(target.substring(8, target.length() - 1));
              }
            } catch (IOException gone) {
              // closed meanwhile
            }
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
      List<String> listening = new ArrayList<>();
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        List<String> lines = Files.readAllLines(Path.of(table));
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          if (f[3].equals("0A") && inodes.contains(f[9])) {
            listening.add(f[1]);
          }
        }
      }
      assertThat(listening).as("listening sockets of the head and the driver").isNotEmpty();
      assertThat(listening)
          .as("every listening socket is on 127.0.0.1 (also as ::ffff:127.0.0.1) or ::1")
          .allMatch(
              a ->
                  a.startsWith("0100007F:")
                      || a.startsWith("0000000000000000FFFF00000100007F:")
                      || a.startsWith("00000000000000000000000001000000:"));
    }

    private long awaitPid(Path file) throws IOException {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
      return Long.parseLong(Files.readString(file).trim());
    }
  }

  /**
   * Memory-mapped arrays on {@code ray}'s embedded head: its Java workers run on the caller's host,
   * so each maps the caller's file again, as a worker JVM does.
   */
  @Nested
  class MemmapArrays extends MemmapCompatibilityKit {
    @Override
    protected String backendName() {
      return "ray";
    }

    @Override
    protected boolean shipsTasks() {
      return true;
    }

    @Override
    protected boolean runsInWorkerJvms() {
      return true;
    }
  }
}
