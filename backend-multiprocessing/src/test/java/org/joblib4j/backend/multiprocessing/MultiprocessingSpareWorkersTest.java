package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.GENEROUS;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.PARENT_PID;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.awaitAllDead;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;
import static org.joblib4j.backend.multiprocessing.MultiprocessingLifecycleTest.assertCountersStartAtOne;
import static org.joblib4j.backend.multiprocessing.MultiprocessingLifecycleTest.byPid;
import static org.joblib4j.backend.multiprocessing.MultiprocessingLifecycleTest.count;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spare-workers}: blank worker JVMs started after a call serve the next one (which then
 * starts no JVM, and still sees fresh static state), are replaced in the background, and never
 * outlive the parent, their idle timeout or the backend's shutdown.
 */
class MultiprocessingSpareWorkersTest {
  private static final Map<String, Object> TWO_SPARES = Map.of("spare-workers", 2);

  @AfterEach
  void stopSpares() {
    List<Long> left = MultiprocessingBackend.spareWorkerPids();
    MultiprocessingBackend.shutdownSpareWorkers();
    awaitAllDead(left);
  }

  private static List<Long> awaitSpares(int n) {
    await("" + n + " spare worker JVMs")
        .atMost(GENEROUS)
        .until(() -> MultiprocessingBackend.spareWorkerPids().size() == n);
    return MultiprocessingBackend.spareWorkerPids();
  }

  @Test
  void theNextCallRunsOnTheSparesWithFreshStaticStateAndTheyAreReplaced() {
    Set<Long> first = byPid(count(mp(2, TWO_SPARES).batchSize(1).build(), 6)).keySet();
    List<Long> spares = awaitSpares(2);
    assertThat(spares).doesNotContainAnyElementsOf(first).doesNotContain(PARENT_PID);

    Map<Long, List<Long>> second = byPid(count(mp(2, TWO_SPARES).batchSize(1).build(), 8));
    // every task ran in one of the spares: the call started no worker JVM of its own
    assertThat(second.keySet()).isNotEmpty().isSubsetOf(spares);
    // a spare never ran a task before: its static state is fresh
    assertCountersStartAtOne(second);
    assertThat(MpTestSupport.counter).as("nothing ran in the test JVM").isZero();

    // the used spares went with their call; new ones replace them
    awaitAllDead(spares);
    List<Long> replaced = awaitSpares(2);
    assertThat(replaced).doesNotContainAnyElementsOf(spares);
  }

  /**
   * A spare warms its task path while it waits (a batch of joblib4j's own lambdas through a
   * loopback socket): the call's first batch finds lambda deserialization ready, no user class was
   * loaded before it, and no socket file goes to the temporary folder.
   */
  @Test
  void aSpareWarmsItsTaskPathWithoutUserClassesAndLeavesNoSocketFile(@TempDir Path tmp)
      throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Path sockets = Files.createDirectories(tmp.resolve("sockets"));
    Map<String, Object> options =
        Map.of(
            "spare-workers",
            2,
            "jvm-args",
            "-Xlog:class+load=info:file="
                + logs.resolve("%p.log")
                + " -Djdk.net.unixdomain.tmpdir="
                + sockets);
    count(mp(2, options).batchSize(1).build(), 4);
    List<Long> spares = awaitSpares(2);
    Map<Long, List<Long>> second = byPid(count(mp(2, options).batchSize(1).build(), 8));
    assertCountersStartAtOne(second);
    List<Long> used =
        second.keySet().stream().filter(spares::contains).collect(Collectors.toList());
    assertThat(used).as("tasks that ran on the spares %s", spares).isNotEmpty();
    awaitAllDead(used);
    for (long pid : used) {
      List<String> loaded = Files.readAllLines(logs.resolve(pid + ".log"));
      int firstUserClass = indexOf(loaded, "org.joblib4j.backend.multiprocessing.");
      assertThat(firstUserClass)
          .as("the call's tasks loaded MpTestSupport in spare %d", pid)
          .isPositive();
      // loaded when a batch is deserialized (SerializedLambda) and run (ParallelConfig, the nested
      // scope): before the call's first task, only the warm-up batch did that
      assertThat(indexOf(loaded, "java.lang.invoke.SerializedLambda "))
          .as("spare %d deserialized a lambda of its own before the call's first batch", pid)
          .isBetween(0, firstUserClass);
      assertThat(indexOf(loaded, "org.joblib4j.ParallelConfig "))
          .as("spare %d ran a batch of its own before the call's first batch", pid)
          .isBetween(0, firstUserClass);
    }
    // the warm-up's loopback socket is in the spares' private folder (deleted with them, even when
    // a spare is killed mid-warm-up), never in the temporary folder
    awaitSpares(2);
    try (Stream<Path> files = Files.list(sockets)) {
      assertThat(files).isEmpty();
    }
  }

  private static int indexOf(List<String> lines, String part) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void sparesForOtherWorkerOptionsAreNotUsed() {
    count(mp(2, TWO_SPARES).batchSize(1).build(), 4);
    List<Long> spares = awaitSpares(2);
    Map<String, Object> otherHeap = Map.of("spare-workers", 2, "worker-heap", "96m");
    Set<Long> pids = byPid(count(mp(2, otherHeap).batchSize(1).build(), 4)).keySet();
    assertThat(pids).doesNotContainAnyElementsOf(spares);
    // the latest call's options win: the old spares go, new ones fit it
    awaitAllDead(spares);
    assertThat(awaitSpares(2)).doesNotContainAnyElementsOf(spares);
  }

  @Test
  void sparesStopOnShutdownAndAfterTheirIdleTimeout() {
    count(mp(2, TWO_SPARES).batchSize(1).build(), 4);
    List<Long> spares = awaitSpares(2);
    MultiprocessingBackend.shutdownSpareWorkers();
    awaitAllDead(spares);
    assertThat(MultiprocessingBackend.spareWorkerPids()).isEmpty();

    count(mp(2, Map.of("spare-workers", 1, "spare-idle-timeout", "2s")).batchSize(1).build(), 4);
    List<Long> idle = awaitSpares(1);
    awaitAllDead(idle);
    assertThat(MultiprocessingBackend.spareWorkerPids()).isEmpty();
  }

  @Test
  void noSpareIsStartedByDefault() {
    count(mp(2).batchSize(1).build(), 4);
    // the call has ended (spares are decided there): none alive and none owed means none will start
    assertThat(SpareWorkers.owed()).isZero();
    assertThat(MultiprocessingBackend.spareWorkerPids()).isEmpty();
  }

  /** A parent that leaves two spares, reports them, and waits to be killed. */
  public static final class Parent {
    public static void main(String[] args) throws InterruptedException {
      Parallel.builder()
          .backend("multiprocessing", TWO_SPARES)
          .nJobs(2)
          .build()
          .run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::pid)));
      List<Long> spares = awaitSpares(2);
      System.out.println(
          "SPARES " + spares.stream().map(String::valueOf).collect(Collectors.joining(" ")));
      System.out.flush();
      Thread.currentThread().join(); // until the test kills this JVM
    }
  }

  @Test
  void sparesExitWhenTheirParentIsKilled() throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Parent.class.getName());
    Process parent = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<Long> spares = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("SPARES ")) {
          Arrays.stream(line.substring(7).trim().split(" "))
              .map(Long::parseLong)
              .forEach(spares::add);
          break;
        }
      }
      assertThat(spares).hasSize(2).allMatch(MpTestSupport::alive);
      parent.destroyForcibly();
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      awaitAllDead(spares);
    } finally {
      parent.destroyForcibly();
      spares.forEach(s -> ProcessHandle.of(s).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void badValuesSayWhatIsWrongAndWhatToDo() {
    Throwable negative =
        catchThrowable(
            () ->
                mp(2, Map.of("spare-workers", -1))
                    .build()
                    .run(List.of(delayed(MpTestSupport::pid))));
    assertThat(negative)
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageStartingWith(
            "Invalid value '-1' for joblib4j.backend.multiprocessing.spare-workers: must be an integer >= 0")
        .hasMessageContaining("0, the default, keeps nothing running between calls");
    Throwable word =
        catchThrowable(
            () ->
                mp(2, Map.of("spare-workers", "two"))
                    .build()
                    .run(List.of(delayed(MpTestSupport::pid))));
    assertThat(word)
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'two' for joblib4j.backend.multiprocessing.spare-workers: must be an integer.");
    Throwable timeout =
        catchThrowable(
            () ->
                mp(2, Map.of("spare-workers", 1, "spare-idle-timeout", "0s"))
                    .build()
                    .run(List.of(delayed(MpTestSupport::pid))));
    assertThat(timeout)
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageStartingWith(
            "Invalid value '0s' for joblib4j.backend.multiprocessing.spare-idle-timeout: must be a positive duration");
    assertThat(MultiprocessingBackend.spareWorkerPids()).isEmpty();
  }
}
