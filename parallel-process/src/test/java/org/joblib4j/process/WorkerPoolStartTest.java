package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.joblib4j.TaskFunction;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.spi.Batch;
import org.junit.jupiter.api.Test;

/** Joining a pool: a silent stranger on its socket, and a worker JVM that never connects. */
class WorkerPoolStartTest {
  static final Duration NO_HANG = Duration.ofSeconds(60);

  static WorkerOptions startingWithin(Duration timeout) {
    WorkerOptions d = WorkerOptions.DEFAULTS;
    return new WorkerOptions(
        d.jvmArgs(),
        d.heap(),
        d.threadLimit(),
        d.threadLimitExplicit(),
        d.environment(),
        d.idleTimeout(),
        d.maxTasksPerWorker(),
        d.leakBytes(),
        d.maxInFlight(),
        d.initializer(),
        timeout);
  }

  static byte[] twiceOf(int... xs) {
    TaskFunction<Integer, Integer> twice = x -> x * 2;
    return new BatchShipper()
        .serialize(
            new Batch(
                0, java.util.Arrays.stream(xs).mapToObj(x -> delayed(twice, x)).toList(), null));
  }

  @Test
  void aClientThatConnectsAndSendsNothingKeepsNoWorkerFromJoiningAndIsDropped() throws IOException {
    try (WorkerPool pool =
            new WorkerPool(2, startingWithin(Duration.ofSeconds(20)), new WorkerLauncher());
        SocketChannel stranger =
            SocketChannel.open(UnixDomainSocketAddress.of(pool.socketPath()))) {
      // connected first: the acceptor meets it before any worker
      List<Object> results =
          assertTimeoutPreemptively(
              NO_HANG, () -> pool.submit(new Object(), twiceOf(1, 2, 3), 0, 3).get());
      assertThat(results).containsExactly(2, 4, 6);
      assertThat(pool.pids()).hasSize(2);
      // after the start timeout without a handshake, the pool hangs up on it
      int read = assertTimeoutPreemptively(NO_HANG, () -> stranger.read(ByteBuffer.allocate(16)));
      assertThat(read).isEqualTo(-1);
    }
  }

  @Test
  void aWorkerThatNeverConnectsIsKilledAndFailsTheWorkWithTheStartTimeout() throws Exception {
    WorkerLauncher sleeping =
        new WorkerLauncher() {
          @Override
          public Process launch(WorkerOptions options, Path socket, String token, Path errorDir)
              throws IOException {
            return new ProcessBuilder("sh", "-c", "echo starting slowly >&2; exec sleep 600")
                .start();
          }
        };
    try (WorkerPool pool = new WorkerPool(1, startingWithin(Duration.ofSeconds(2)), sleeping)) {
      var result = pool.submit(new Object(), twiceOf(1), 0, 1);
      long pid = pool.pids().get(0);
      Throwable t = assertTimeoutPreemptively(NO_HANG, () -> catchThrowable(result::get));
      assertThat(t)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(WorkerTerminatedException.class);
      assertThat(t.getCause().getMessage())
          .startsWith(
              "A worker JVM (pid "
                  + pid
                  + ") did not connect within 2 s of its start (worker-start-timeout),"
                  + " so it was killed (command: ")
          .endsWith("). Its last output:\nstarting slowly\n");
      var handle = ProcessHandle.of(pid);
      if (handle.isPresent()) {
        handle.get().onExit().get(10, TimeUnit.SECONDS);
      }
      // the pool learns of the exit through its own exit callback, which may run a little later
      await().atMost(Duration.ofSeconds(10)).until(() -> !pool.pids().contains(pid));
    }
  }
}
