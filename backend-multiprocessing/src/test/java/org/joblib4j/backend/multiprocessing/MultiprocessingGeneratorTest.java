package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.GENEROUS;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.awaitAllDead;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.pidFiles;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generator return modes on multiprocessing (joblib rejects them there; joblib4j supports them):
 * order, fastest first, closing early, errors on iteration.
 */
class MultiprocessingGeneratorTest {

  static int boom(int i) throws InterruptedException {
    Thread.sleep(20);
    if (i == 2) {
      throw new IllegalStateException("k" + i);
    }
    return i;
  }

  // joblib: test_parallel.py::test_parallel_return_order_with_return_as_generator_parameter,
  // test_parallel.py::test_multiple_generator_call_separated
  @Test
  void generatorYieldsInSubmissionOrder() {
    List<Integer> seen = new ArrayList<>();
    try (ResultIterator<Integer> it =
        mp(2)
            .returnAs(ReturnAs.GENERATOR)
            .batchSize(1)
            .build()
            .iterate(
                IntStream.range(0, 6)
                    .mapToObj(x -> delayed(MpTestSupport::slowSquare, x, (6L - x) * 40)))) {
      it.forEachRemaining(seen::add);
    }
    assertThat(seen).containsExactly(0, 1, 4, 9, 16, 25);
  }

  @Test
  void generatorUnorderedYieldsTheFastestFirst() {
    List<Integer> seen = new ArrayList<>();
    List<Task<Integer>> tasks =
        Stream.concat(
                Stream.of(delayed(MpTestSupport::slowSquare, 10, 2_000L)),
                IntStream.range(0, 6).mapToObj(x -> delayed(MpTestSupport::slowSquare, x, 10L)))
            .collect(Collectors.toList());
    try (Parallel p = mp(2).returnAs(ReturnAs.GENERATOR_UNORDERED).batchSize(1).build();
        ResultIterator<Integer> it = p.iterate(tasks)) {
      it.forEachRemaining(seen::add);
    }
    assertThat(seen).containsExactlyInAnyOrder(100, 0, 1, 4, 9, 16, 25);
    assertThat(seen.get(0)).as("the slow first task is not yielded first").isNotEqualTo(100);
  }

  // joblib: test_parallel.py::test_deadlock_with_generator
  @Test
  void closingAGeneratorEarlyKillsTheWorkersStillRunningItsTasks(@TempDir Path dir)
      throws Exception {
    for (ReturnAs mode : new ReturnAs[] {ReturnAs.GENERATOR, ReturnAs.GENERATOR_UNORDERED}) {
      String d = Files.createDirectory(dir.resolve(mode.name())).toString();
      List<Task<Long>> tasks =
          Stream.concat(
                  Stream.of(delayed(MpTestSupport::sleepThenPid, 1L)),
                  IntStream.range(0, 5).mapToObj(i -> delayed(MpTestSupport::writePidThenSpin, d)))
              .collect(Collectors.toList());
      try (Parallel p = mp(2).returnAs(mode).batchSize(1).build()) {
        ResultIterator<Long> it = p.iterate(tasks);
        assertTimeoutPreemptively(GENEROUS, () -> assertThat(it.hasNext()).isTrue());
        assertThat(it.next()).isPositive();
        await("a spinning task to start").atMost(GENEROUS).until(() -> !pidFiles(d).isEmpty());
        assertTimeoutPreemptively(GENEROUS, it::close);
        awaitAllDead(pidFiles(d));
        // the block's pool serves the next call
        assertThat(
                assertTimeoutPreemptively(
                    GENEROUS, () -> p.map(MpTestSupport::square, List.of(1, 2, 3))))
            .containsExactlyInAnyOrder(1, 4, 9);
      }
    }
  }

  @Test
  void inGeneratorModeATaskErrorSurfacesOnIteration() {
    Parallel p = mp(2).returnAs(ReturnAs.GENERATOR).batchSize(1).build();
    List<Integer> yielded = new ArrayList<>();
    ResultIterator<Integer> it =
        p.iterate(
            IntStream.range(0, 5).mapToObj(i -> delayed(MultiprocessingGeneratorTest::boom, i)));
    Throwable t =
        catchThrowable(
            () -> {
              while (it.hasNext()) {
                yielded.add(it.next());
              }
            });
    assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("k2");
    assertThat(yielded).isSubsetOf(0, 1);
    assertThat(
            catchThrowable(
                () -> {
                  if (it.hasNext()) {
                    yielded.add(it.next());
                  }
                }))
        .satisfiesAnyOf(
            x -> assertThat(x).isNull(),
            x -> assertThat(x).isInstanceOf(IllegalStateException.class));
    assertThat(yielded).isSubsetOf(0, 1);
    it.close();
    p.close();
  }
}
