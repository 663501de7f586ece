package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.tck.support.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No orphans: when the parent JVM dies, even by SIGKILL, every loky worker exits within seconds.
 */
class ParentDeathTest {

  /** The parent: warms a loky pool, reports its workers, then runs a call of long tasks. */
  public static final class Parent {
    public static void main(String[] args) {
      Set<Long> workers = LokyTestSupport.warm(2);
      System.out.println(
          "WORKERS " + workers.stream().map(String::valueOf).collect(Collectors.joining(" ")));
      System.out.flush();
      Parallel.builder()
          .backend("loky")
          .nJobs(2)
          .batchSize(1)
          .build()
          .run(IntStream.range(0, 2).mapToObj(i -> delayed(ParentDeathTest::announceThenSleep)));
      System.out.println("UNEXPECTED the long call returned");
    }
  }

  static long announceThenSleep() throws InterruptedException {
    System.out.println("STARTED " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.sleep(120_000);
    return ProcessHandle.current().pid();
  }

  @ParameterizedTest(name = "parent killed by {0}")
  @ValueSource(strings = {"SIGKILL", "SIGTERM"})
  void workersExitWhenTheirParentDies(String signal) throws Exception {
    List<Long> workers = List.of();
    try (ChildJvm parent = ChildJvm.start(Parent.class, Map.of())) {
      await("the parent to report its workers and start the long tasks")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  parent.value("WORKERS") != null && parent.value("STARTED") != null
                      || !parent.process.isAlive());
      assertThat(parent.process.isAlive())
          .as("parent alive; its output:\n%s", parent.output())
          .isTrue();
      workers =
          Arrays.stream(parent.value("WORKERS").split(" "))
              .map(Long::parseLong)
              .collect(Collectors.toList());
      assertThat(workers).hasSize(2).doesNotContain(parent.process.pid());
      assertThat(workers).allMatch(LokyTestSupport::alive);
      assertThat(workers).contains(Long.parseLong(parent.value("STARTED")));
      for (long w : workers) {
        assertThat(ProcessHandle.of(w).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
            .contains(parent.process.pid());
      }
      if (signal.equals("SIGKILL")) {
        parent.process.destroyForcibly();
      } else {
        parent.process.destroy();
      }
      assertThat(parent.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      LokyTestSupport.awaitAllDead(workers, Duration.ofSeconds(10));
    } finally {
      // never leave a stray worker behind, whatever failed above
      workers.forEach(w -> ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly));
    }
  }
}
