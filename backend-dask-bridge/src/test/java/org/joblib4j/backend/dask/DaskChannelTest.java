package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.WorkerTerminatedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor JVM's protocol has a channel nothing else writes to: output on its stdout of any
 * origin cannot corrupt it, bytes that are not a frame fail the batch clearly, and every request is
 * answered, also when something fails outside a task.
 */
class DaskChannelTest {
  static final Map<String, Object> ONE = Map.of("scheduler", "local:1");
  static final Duration NO_HANG = Duration.ofSeconds(90);

  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @AfterAll
  static void stop() {
    DaskClient.connect(ONE).close();
    DaskClient.connect(withGcLog()).close();
  }

  static Map<String, Object> withGcLog() {
    return DaskTestSupport.with(
        ONE, "worker-jvm-options", "-XX:+UseSerialGC -Xlog:gc*=info:stdout -verbose:gc");
  }

  /**
   * Writes to the executor's stdout every way a JVM can: a child with inherited I/O, fd 1 itself,
   * System.out.
   */
  static int writeEverywhere(int x) throws IOException, InterruptedException {
    Process child =
        new ProcessBuilder(
                "sh", "-c", "echo garbage from a child; printf 'JB4J\\377\\377\\377\\377\\000'")
            .inheritIO()
            .start();
    child.waitFor();
    FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
    fd1.write("bytes on file descriptor 1, past System.out\n".getBytes(StandardCharsets.UTF_8));
    fd1.flush();
    System.out.println("a print of task " + x);
    System.gc(); // a GC log line on stdout
    return x + 1;
  }

  /** Writes bytes that are not a frame on the protocol's own output. */
  static int writeToTheProtocol(int x) throws IOException {
    String out = System.getProperty(ExecutorMain.CHANNEL_PROPERTY).split(",")[1];
    try (FileOutputStream o = new FileOutputStream("/dev/fd/" + out)) {
      o.write("garbage, not a frame\n".getBytes(StandardCharsets.UTF_8));
    }
    return x;
  }

  @Test
  void outputOnTheExecutorsStdoutOfAnyOriginCannotCorruptTheProtocol() {
    List<Integer> results =
        assertTimeoutPreemptively(
            NO_HANG,
            () ->
                dask(withGcLog())
                    .batchSize(1)
                    .build()
                    .<Integer>run(
                        IntStream.range(0, 4)
                            .mapToObj(i -> delayed(DaskChannelTest::writeEverywhere, i))));
    assertThat(results).containsExactly(1, 2, 3, 4);
  }

  @Test
  void bytesThatAreNotAFrameFailTheBatchClearlyAndTheNextCallGetsANewExecutor() {
    long before =
        assertTimeoutPreemptively(
            NO_HANG,
            () -> dask(ONE).build().<Long>run(List.of(delayed(DaskTestSupport::pid))).get(0));
    Throwable t =
        assertTimeoutPreemptively(
            NO_HANG,
            () ->
                catchThrowable(
                    () ->
                        dask(ONE)
                            .build()
                            .run(List.of(delayed(DaskChannelTest::writeToTheProtocol, 7)))));
    assertThat(t)
        .isInstanceOf(WorkerTerminatedException.class)
        .hasMessageStartingWith(
            "The executor JVM running task 0 on a Dask worker broke the bridge's protocol: the executor JVM (pid "
                + before
                + ") on Dask worker tls://127.0.0.1:")
        .hasMessageContaining(
            " sent bytes that are not a frame of the bridge, so it was killed: not a frame of the bridge (expected the"
                + " marker 4a42344a and a length of 9 to 2147483631 bytes): b'garbage, not a frame\\n") // and what followed
        .hasMessageEndingWith(
            ". Something in that JVM wrote to the bridge's private channel; the next task starts a new executor JVM.");
    assertThat(DaskTestSupport.alive(before)).isFalse();
    List<Integer> next =
        assertTimeoutPreemptively(
            NO_HANG,
            () ->
                dask(ONE)
                    .build()
                    .<Integer>run(
                        IntStream.range(0, 5).mapToObj(i -> delayed(DaskTestSupport::inc, i))));
    assertThat(next).isEqualTo(IntStream.range(1, 6).boxed().collect(Collectors.toList()));
    long after = dask(ONE).build().<Long>run(List.of(delayed(DaskTestSupport::pid))).get(0);
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void aFailureOutsideAnyTaskIsAnsweredAndFailsTheCallClearly() {
    ExecutorOnlyFailingPropagator.armed = true;
    Throwable t;
    try {
      t =
          assertTimeoutPreemptively(
              NO_HANG,
              () ->
                  catchThrowable(
                      () -> dask(ONE).build().run(List.of(delayed(DaskTestSupport::inc, 1)))));
    } finally {
      ExecutorOnlyFailingPropagator.armed = false;
    }
    assertThat(t)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this propagator cannot restore its state in an executor JVM");
    assertThat(DaskTestSupport.origin(t).taskIndex()).isEqualTo(0);
    assertThat(dask(ONE).build().<Integer>run(List.of(delayed(DaskTestSupport::inc, 1))))
        .containsExactly(2);
  }
}
