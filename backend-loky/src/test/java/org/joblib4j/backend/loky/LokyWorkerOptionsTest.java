package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.PARENT_PID;
import static org.joblib4j.backend.loky.LokyTestSupport.awaitAllDead;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker options as loky reads them: a list is a list, old names still work, bad values fail
 * naming the key.
 */
class LokyWorkerOptionsTest {
  private final Set<Long> started = new HashSet<>();

  @AfterEach
  void stopTheWorkersStarted() {
    LokyBackend.shutdown();
    awaitAllDead(started, Duration.ofSeconds(30));
  }

  /** Runs in a worker JVM: its pid, a system property, and its JVM options. */
  static List<Object> jvmView() {
    return List.of(
        ProcessHandle.current().pid(),
        String.valueOf(System.getProperty("opts14.flag")),
        new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /** Before: the list was text, "[-Xss2m, ...]", and the worker JVM failed to start. */
  @ParameterizedTest
  @ValueSource(strings = {"jvm-args", "worker-jvm-options", "worker_jvm_options"})
  @SuppressWarnings("unchecked")
  void aListOfJvmOptionsReachesEveryWorkerAsAList(String key) {
    Parallel p =
        Parallel.builder()
            .backend("loky", Map.of(key, List.of("-Xss2m", "-Dopts14.flag=a b")))
            .nJobs(2)
            .batchSize(1)
            .build();
    List<List<Object>> views =
        p.run(IntStream.range(0, 4).mapToObj(i -> delayed(LokyWorkerOptionsTest::jvmView)));
    views.forEach(v -> started.add((Long) v.get(0)));
    assertThat(views)
        .hasSize(4)
        .allSatisfy(
            v -> {
              assertThat((Long) v.get(0)).isNotEqualTo(PARENT_PID);
              // an element is one option, spaces included
              assertThat(v.get(1)).isEqualTo("a b");
              assertThat((List<String>) v.get(2)).contains("-Xss2m", "-Dopts14.flag=a b");
            });
  }

  @Test
  void textIsSplitOnSpacesAsBefore() {
    List<List<Object>> views =
        Parallel.builder()
            .backend("loky", Map.of("jvm-args", "-Xss2m  -Dopts14.flag=text"))
            .nJobs(2)
            .build()
            .run(List.of(delayed(LokyWorkerOptionsTest::jvmView)));
    views.forEach(v -> started.add((Long) v.get(0)));
    assertThat(views.get(0).get(1)).isEqualTo("text");
    assertThat(views.get(0).get(2)).asList().contains("-Xss2m", "-Dopts14.flag=text");
  }

  @Test
  void anOptionGivenUnderItsOldAndNewNameIsRefused() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("loky", Map.of("jvm-args", "-Xss2m", "worker-jvm-options", "-Xss1m"))
                    .build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "The option 'worker-jvm-options' of backend 'loky' is given twice (as 'worker-jvm-options' and as"
                + " 'jvm-args'): give it once.");
  }

  @Test
  void badValuesFailNamingTheKeyAsWritten() {
    assertThatThrownBy(
            () -> Parallel.builder().backend("loky", Map.of("jvm-args", Map.of("a", 1))).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value '{a=1}' for joblib4j.backend.loky.jvm-args: must be a list, or text with its elements"
                + " separated by spaces.");
    assertThatThrownBy(() -> Parallel.builder().backend("loky", Map.of("max-in-flight", 0)).build())
        .hasMessage(
            "Invalid value '0' for joblib4j.backend.loky.max-in-flight: must be a positive integer.");
    assertThatThrownBy(
            () -> Parallel.builder().backend("loky", Map.of("max-tasks-per-child", -1)).build())
        .hasMessage(
            "Invalid value '-1' for joblib4j.backend.loky.max-tasks-per-child: must be an integer >= 0 (0: never).");
    assertThatThrownBy(
            () -> Parallel.builder().backend("loky", Map.of("worker-start-timeout", "0s")).build())
        .hasMessage(
            "Invalid value '0s' for joblib4j.backend.loky.worker-start-timeout: must be a positive duration such as 60s.");
    assertThatThrownBy(
            () ->
                Parallel.builder().backend("loky", Map.of("memory-leak-threshold", "lots")).build())
        .hasMessage(
            "Invalid value 'lots' for joblib4j.backend.loky.memory-leak-threshold: must be a size such as 500K, 1M, 2G"
                + " or a number of bytes, or none.");
    assertThatThrownBy(
            () -> Parallel.builder().backend("loky", Map.of("worker-idle-timeout", "soon")).build())
        .hasMessage(
            "Invalid value 'soon' for joblib4j.backend.loky.worker-idle-timeout: must be a duration such as 300s,"
                + " 500ms, 5m or PT5M (a bare number is seconds).");
  }
}
