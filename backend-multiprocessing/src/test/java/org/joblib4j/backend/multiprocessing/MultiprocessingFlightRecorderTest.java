package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.multiprocessing.MpTestSupport.mp;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.awaitility.Awaitility;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's JFR events, read back from a real recording, with real worker JVMs. */
class MultiprocessingFlightRecorderTest {
  @TempDir Path dir;

  private static final List<String> EVENTS =
      List.of(
          "org.joblib4j.Call",
          "org.joblib4j.Batch",
          "org.joblib4j.WorkerBatch",
          "org.joblib4j.WorkerStarted",
          "org.joblib4j.WorkerExited");

  static Integer square(Integer x) {
    return x * x;
  }

  static Integer failOn3(Integer x) {
    if (x == 3) {
      throw new IllegalStateException("task 3 failed");
    }
    return x;
  }

  private List<RecordedEvent> events(Recording recording, String name) throws IOException {
    Path file = dir.resolve(System.nanoTime() + ".jfr");
    recording.dump(file);
    return RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().equals(name))
        .collect(Collectors.toList());
  }

  @Test
  void aRecordingShowsTheCallItsBatchesAndItsWorkerJvms() throws Exception {
    try (Recording recording = new Recording()) {
      EVENTS.forEach(recording::enable);
      recording.start();

      Path pidDir = java.nio.file.Files.createDirectories(dir.resolve("pids"));
      List<Long> out =
          mp(2)
              .batchSize(1)
              .build()
              .run(
                  IntStream.range(0, 10)
                      .mapToObj(
                          // every task waits until both workers ran one: both surely start
                          i ->
                              delayed(
                                  org.joblib4j.tck.support.WorkerProcesses::writePidAndAwaitJvms,
                                  pidDir.toString(),
                                  2)));
      assertThat(out).hasSize(10);

      List<RecordedEvent> calls = events(recording, "org.joblib4j.Call");
      assertThat(calls).hasSize(1);
      RecordedEvent call = calls.get(0);
      assertThat(call.getString("backend")).isEqualTo("multiprocessing");
      assertThat(call.getInt("workers")).isEqualTo(2);
      assertThat(call.getLong("tasks")).isEqualTo(10);
      assertThat(call.getString("outcome")).isEqualTo("success");
      assertThat(call.getDuration()).isPositive();

      List<RecordedEvent> batches = events(recording, "org.joblib4j.Batch");
      assertThat(batches).hasSize(10);
      assertThat(batches)
          .extracting(b -> b.getLong("firstTask"))
          .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(batches)
          .allSatisfy(
              b -> {
                assertThat(b.getInt("tasks")).isEqualTo(1);
                assertThat(b.getLong("bytesSent")).isPositive();
                assertThat(b.getLong("bytesReceived")).isPositive();
                assertThat(b.getString("outcome")).isEqualTo("success");
              });

      List<RecordedEvent> started = events(recording, "org.joblib4j.WorkerStarted");
      assertThat(started)
          .hasSize(2)
          .allSatisfy(s -> assertThat(s.getDuration("startup")).isPositive());
      Set<Long> pids = started.stream().map(s -> s.getLong("pid")).collect(Collectors.toSet());
      assertThat(pids).hasSize(2);

      // each batch ran on one of those workers, and waited for one first (they were starting)
      List<RecordedEvent> onWorkers = events(recording, "org.joblib4j.WorkerBatch");
      assertThat(onWorkers).hasSize(10);
      assertThat(onWorkers).extracting(b -> b.getLong("pid")).allMatch(pids::contains);
      assertThat(onWorkers)
          .extracting(b -> b.getLong("firstTask"))
          .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(onWorkers).allSatisfy(b -> assertThat(b.getDuration("roundTrip")).isPositive());
      assertThat(onWorkers).anySatisfy(b -> assertThat(b.getDuration("queueWait")).isPositive());
      // a multiprocessing pool lives for its call: both workers are asked to exit at its end
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(events(recording, "org.joblib4j.WorkerExited"))
                      .extracting(e -> e.getLong("pid"))
                      .containsExactlyInAnyOrderElementsOf(pids));
      assertThat(events(recording, "org.joblib4j.WorkerExited"))
          .allSatisfy(e -> assertThat(e.getString("cause")).isIn("retired", "killed"));
    }
  }

  @Test
  void aFailedCallRecordsItsFailure() throws Exception {
    try (Recording recording = new Recording()) {
      EVENTS.forEach(recording::enable);
      recording.start();
      try (Parallel p = mp(2).batchSize(1).build()) {
        Throwable e =
            catchThrowable(
                () ->
                    p.run(
                        IntStream.range(0, 6)
                            .mapToObj(
                                i -> delayed(MultiprocessingFlightRecorderTest::failOn3, i))));
        assertThat(e).hasMessage("task 3 failed");
      }
      List<RecordedEvent> calls = events(recording, "org.joblib4j.Call");
      assertThat(calls).hasSize(1);
      assertThat(calls.get(0).getString("outcome"))
          .isEqualTo("java.lang.IllegalStateException: task 3 failed");
      assertThat(events(recording, "org.joblib4j.Batch"))
          .filteredOn(b -> b.getLong("firstTask") == 3)
          .singleElement()
          .satisfies(
              b ->
                  assertThat(b.getString("outcome"))
                      .isEqualTo("java.lang.IllegalStateException: task 3 failed"));
    }
  }
}
