package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.joblib4j.backend.dask.DaskTestSupport.with;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A real cluster of separate processes on 127.0.0.1 ({@code dask scheduler} and two {@code dask
 * worker}s, one with a {@code GPU} resource), reached through its scheduler file: the classpath is
 * shipped to the workers, a worker killed mid-run costs nothing, late workers are waited for, and
 * losing the scheduler fails pending work at once.
 */
@SuppressWarnings("try") // scopes held open for their effect
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaskClusterTest {
  static DaskProcessCluster cluster;
  static Map<String, Object> options;

  @BeforeAll
  static void start() {
    DaskTestSupport.requireDask();
    cluster = DaskProcessCluster.start("cluster", 1, 1, null, Map.of());
    cluster.addWorker("gpu", 1, "--resources", "GPU=1");
    options = cluster.options();
    cluster.awaitWorkers(options, 2);
  }

  @AfterAll
  static void stop() {
    List<Long> jvms = new ArrayList<>();
    try {
      if (options != null) {
        DaskClient c = DaskClient.connect(options);
        c.executors()
            .forEach(
                e -> {
                  if (e.get("jvm_pid") instanceof Number) {
                    jvms.add(((Number) e.get("jvm_pid")).longValue());
                  }
                });
        c.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    // the executor JVMs end with their workers: no orphans
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> jvms.stream().noneMatch(DaskTestSupport::alive));
  }

  @Test
  @Order(1)
  void theClasspathIsShippedContentAddressedIntoPrivateFolders() throws Exception {
    List<Integer> r =
        dask(options)
            .build()
            .run(IntStream.range(0, 20).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
    assertThat(r).isEqualTo(IntStream.range(1, 21).boxed().collect(Collectors.toList()));
    DaskClient c = DaskClient.connect(options);
    assertThat(c.schedulerAddress()).startsWith("tcp://127.0.0.1:");
    List<Map<String, Object>> executors = c.executors();
    assertThat(executors)
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.get("classpath_mode")).isEqualTo("ship");
              assertThat(e.get("jvm_pid")).isNotNull();
              // a cluster the bridge only connects to keeps Dask's own settings
              assertThat(e.get("profiling")).isEqualTo(true);
            });
    // every jar under <worker space>/jbridge-jars, named by its SHA-256, in a 0700 folder
    String cp = String.valueOf(executors.get(0).get("classpath"));
    List<Path> jars = Stream.of(cp.split(":")).map(Path::of).collect(Collectors.toList());
    assertThat(jars)
        .isNotEmpty()
        .allSatisfy(j -> assertThat(j.getFileName().toString()).matches("[0-9a-f]{64}\\.jar"));
    Path cache = jars.get(0).getParent();
    assertThat(cache.getFileName().toString()).isEqualTo("jbridge-jars");
    assertThat(cache.startsWith(cluster.dir)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
        .isEqualTo("rwx------");
    // scheduler, workers, nannies, dashboards: loopback only; the executor JVMs listen on nothing
    List<Long> pids = new ArrayList<>(DaskTestSupport.tree(cluster.scheduler().pid()));
    cluster.workers().forEach(w -> pids.addAll(DaskTestSupport.tree(w.pid())));
    assertThat(DaskTestSupport.listeningAddresses(pids))
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(a -> assertThat(a).startsWith("127.0.0.1:"));
    List<Long> jvms =
        executors.stream()
            .map(e -> ((Number) e.get("jvm_pid")).longValue())
            .collect(Collectors.toList());
    assertThat(DaskTestSupport.listeningAddresses(jvms)).isEmpty();
    // the client's own cache of packed folders too
    Path client = DaskFolders.privateBase().resolve("jars");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(client)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(DaskFolders.privateBase())))
        .isEqualTo("rwx------");
  }

  @Test
  @Order(2)
  void resourcesArePassedToDask() {
    Map<String, Object> gpu = with(options, "resources", "GPU=1");
    List<String> where =
        dask(gpu)
            .build()
            .run(IntStream.range(0, 8).mapToObj(i -> delayed(DaskTestSupport::workerAddress, i)));
    Map<String, Integer> workers = DaskClient.connect(options).workers();
    assertThat(new HashSet<>(where)).hasSize(1);
    assertThat(workers).containsKey(where.get(0));
  }

  static double cornerSum(double[][] m, int i) {
    return m[0][0] + m[m.length - 1][i];
  }

  @Test
  @Order(2)
  void aScatteredMatrixTravelsAsBytesToAClusterReachedByAddress() {
    // the caller's files are not assumed to be on a cluster it only connects to
    double[][] m = new double[500][400];
    m[499][3] = 7;
    DaskClient c = DaskClient.connect(options);
    long before = c.scatteredBytes();
    try (Parallel p = dask(with(options, "scatter", List.of((Object) m))).nJobs(2).build()) {
      assertThat(
              p.run(IntStream.range(0, 4).mapToObj(i -> delayed(DaskClusterTest::cornerSum, m, i))))
          .containsExactly(0.0, 0.0, 0.0, 7.0);
    }
    assertThat(c.scatteredBytes() - before).isGreaterThan(500L * 400 * 8);
  }

  @Test
  @Order(3)
  void aWorkerKilledMidRunCostsNothing() throws Exception {
    // the Dask worker processes (the executor JVMs' parents), one per worker
    Set<Long> workerPids =
        new HashSet<>(
            dask(options)
                .batchSize(1)
                .build()
                .<Long>run(
                    IntStream.range(0, 8).mapToObj(i -> delayed(DaskTestSupport::workerPid, i))));
    assertThat(workerPids).hasSize(2);
    Path dir = DaskTestSupport.testDir("kill");
    CompletableFuture<List<Integer>> run =
        CompletableFuture.supplyAsync(
            () ->
                dask(options)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 60)
                            .mapToObj(
                                i -> delayed(DaskClusterTest::markedInc, dir.toString(), i))));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> DaskTestSupport.countFiles(dir, "done-") >= 6);
    long victim = workerPids.iterator().next();
    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
    List<Integer> r = run.get(120, TimeUnit.SECONDS);
    assertThat(r).isEqualTo(IntStream.range(1, 61).boxed().collect(Collectors.toList()));
    assertThat(DaskTestSupport.alive(victim)).isFalse();
    // the nanny starts a new worker; the plugin gives it an executor JVM
    cluster.awaitWorkers(options, 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(
                        new HashSet<>(
                            dask(options)
                                .batchSize(1)
                                .build()
                                .<Long>run(
                                    IntStream.range(0, 8)
                                        .mapToObj(i -> delayed(DaskTestSupport::workerPid, i)))))
                    .hasSize(2)
                    .doesNotContain(victim));
  }

  static int markedInc(String dir, int i) throws Exception {
    Thread.sleep(80);
    Files.writeString(Path.of(dir, "done-" + i + "-" + System.nanoTime()), "x");
    return i + 1;
  }

  @Test
  @Order(4)
  void lateWorkersAreWaitedForAndLosingTheSchedulerFailsPendingWorkAtOnce() throws Exception {
    try (DaskProcessCluster empty = DaskProcessCluster.start("late", 0, 1, null, Map.of())) {
      Map<String, Object> o = empty.options("connect-timeout", "3s");
      assertThat(DaskClient.connect(o).workers()).isEmpty();
      // F12: the call waits (wait_for_workers_timeout, 10 s by default) for a worker that joins
      // late
      CompletableFuture<List<Integer>> call =
          CompletableFuture.supplyAsync(
              () -> {
                try (ParallelConfig.Scope s = ParallelConfig.builder().backend("dask", o).open()) {
                  return Parallel.builder()
                      .build()
                      .run(IntStream.range(0, 10).mapToObj(i -> delayed(DaskTestSupport::inc, i)));
                }
              });
      empty.addWorker("late", 1);
      assertThat(call.get(60, TimeUnit.SECONDS))
          .isEqualTo(IntStream.range(1, 11).boxed().collect(Collectors.toList()));

      // the scheduler dies while tasks run: every pending task fails at once, no hang
      Path dir = DaskTestSupport.testDir("lost");
      CompletableFuture<List<String>> running =
          CompletableFuture.supplyAsync(
              () ->
                  dask(o)
                      .batchSize(1)
                      .build()
                      .run(
                          IntStream.range(0, 4)
                              .mapToObj(
                                  i ->
                                      delayed(
                                          DaskTestSupport::markerThenSleep,
                                          dir.toString(),
                                          60_000L))));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> DaskTestSupport.countFiles(dir, "started-") >= 1);
      long t0 = System.nanoTime();
      empty.scheduler().destroyForcibly();
      assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DaskException.class)
          .cause()
          .hasMessageContaining("Lost the connection to the Dask scheduler");
      DaskTestSupport.assertWithin(Duration.ofSeconds(10), t0);
      // and the next call says the scheduler cannot be reached
      assertThatThrownBy(() -> dask(o).build().run(List.of(delayed(DaskTestSupport::inc, 1))))
          .isInstanceOf(DaskException.class)
          .hasMessageContaining("Could not connect to the Dask scheduler");
    }
  }
}
