package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster connection and the call, as JFR events from a real recording, on a real local
 * cluster.
 */
@Timeout(120)
class DaskFlightRecorderTest {
  // options of their own: the connection is made for this test, not reused from another
  static final Map<String, Object> OWN =
      Map.of("scheduler", "local:1", "worker-idle-timeout", "17s");

  @TempDir Path dir;

  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @AfterAll
  static void stop() {
    DaskClient.connect(OWN).close();
  }

  @Test
  void aRecordingShowsTheClusterConnectionAndTheCall() throws Exception {
    try (Recording recording = new Recording()) {
      recording.enable("org.joblib4j.ClusterConnected");
      recording.enable("org.joblib4j.Call");
      recording.enable("org.joblib4j.Batch");
      recording.start();
      assertThat(
              dask(OWN)
                  .build()
                  .<Integer>run(
                      IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .containsExactly(1, 2, 3, 4);
      recording.stop();
      Path file = dir.resolve("dask.jfr");
      recording.dump(file);
      List<RecordedEvent> events = RecordingFile.readAllEvents(file);

      List<RecordedEvent> connects = named(events, "org.joblib4j.ClusterConnected");
      assertThat(connects).hasSize(1);
      assertThat(connects.get(0).getString("backend")).isEqualTo("dask");
      assertThat(connects.get(0).getString("cluster")).isEqualTo("local:1");
      assertThat(connects.get(0).getDuration("connectTime")).isPositive();

      List<RecordedEvent> calls = named(events, "org.joblib4j.Call");
      assertThat(calls)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getString("backend")).isEqualTo("dask");
                assertThat(c.getLong("tasks")).isEqualTo(4);
                assertThat(c.getString("outcome")).isEqualTo("success");
              });
      assertThat(named(events, "org.joblib4j.Batch"))
          .isNotEmpty()
          .allSatisfy(b -> assertThat(b.getLong("bytesReceived")).isPositive());
    }
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream()
        .filter(e -> e.getEventType().getName().equals(name))
        .collect(Collectors.toList());
  }
}
