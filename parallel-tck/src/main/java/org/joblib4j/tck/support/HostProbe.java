package org.joblib4j.tck.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Tasks that say which host ran them (by network namespace), for the tests that lose a host of a
 * {@link NetworkNamespace} mid-call.
 */
public final class HostProbe {
  /** The file whose appearance lets {@link #markHoldAndSquare} tasks finish. */
  public static final String RELEASE = "release";

  private HostProbe() {}

  /**
   * Where a task ran, and its result.
   *
   * @param network the network namespace it ran in ({@code net:[…]})
   * @param value its result
   */
  public record Ran(String network, int value) implements Serializable {}

  /** Squares, saying where. */
  public static Ran square(int i) throws IOException {
    return new Ran(NetworkNamespace.ownNetwork(), i * i);
  }

  /**
   * Records its start (with its network namespace) in {@code folder}, then holds its worker until
   * the test releases the call ({@link #RELEASE} in {@code folder}, written once the far host is
   * lost), and squares. So tasks are running on both hosts when the far one goes, and the ones run
   * again after it return at once.
   *
   * @param folder where starts are recorded and the release appears (a folder every host sees)
   * @param i the task's number
   */
  public static Ran markHoldAndSquare(String folder, int i) throws IOException {
    String network = NetworkNamespace.ownNetwork();
    Files.writeString(Path.of(folder, "started-" + i + "-" + digits(network)), network);
    Path release = Path.of(folder, RELEASE);
    await("the test's release of the call (" + release + ")")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Files.exists(release));
    return new Ran(network, i * i);
  }

  /** The tasks of {@link #markHoldAndSquare} that started in a network namespace, in order. */
  public static List<Integer> startedOn(Path folder, String network) throws IOException {
    String suffix = "-" + digits(network);
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .map(n -> Integer.parseInt(n.split("-")[1]))
          .sorted()
          .toList();
    }
  }

  /**
   * Loses the far host as soon as a task of {@code call} ({@link #markHoldAndSquare} with {@code
   * marks}) has started there, releases the call (its tasks hold until then), then checks that it
   * still returns every result, and that each task that had started there came back from this side
   * (it ran again here).
   *
   * @param host the far host
   * @param marks the folder the tasks record their starts in
   * @param call the running call, of {@code tasks} tasks numbered from 0
   * @param tasks how many
   */
  public static void loseTheHostMidCall(
      NetworkNamespace host, Path marks, CompletableFuture<List<Ran>> call, int tasks)
      throws Exception {
    String remote = host.network();
    await("a task running on the second host")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> call.isDone() || !startedOn(marks, remote).isEmpty());
    assertThat(call).as("the call ended before a task ran on the second host").isNotDone();
    host.lose();
    List<Integer> lost = startedOn(marks, remote);
    Files.writeString(marks.resolve(RELEASE), "go");
    List<Ran> ran = call.get(200, TimeUnit.SECONDS);
    assertThat(ran)
        .extracting(Ran::value)
        .containsExactlyElementsOf(IntStream.range(0, tasks).map(i -> i * i).boxed().toList());
    assertThat(lost).isNotEmpty();
    for (int i : lost) {
      assertThat(ran.get(i).network())
          .as("task %d, lost with the host, ran again on this side", i)
          .isEqualTo(NetworkNamespace.ownNetwork());
    }
  }

  private static String digits(String network) {
    return network.replaceAll("\\D", "");
  }
}
