package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.tck.support.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * Results of a MiB each for a consumer that pauses: the caller stops reading the input once the
 * results received and not consumed pass {@code maxPendingBytes}, so a small heap holds them (the
 * task-count bound alone would let all 600 MiB in).
 */
class LokyPendingBytesTest {
  static final int TASKS = 600;
  static final int RESULT = 1 << 20;
  static final long MAX_PENDING_BYTES = 16L << 20;

  /** The caller: takes one result, pauses until nothing more is dispatched, then takes the rest. */
  public static final class SmallHeapCaller {
    public static void main(String[] args) {
      AtomicLong read = new AtomicLong();
      AtomicLong consumed = new AtomicLong();
      AtomicReference<ProgressEvent> last = new AtomicReference<>();
      ProgressListener progress =
          new ProgressListener() {
            @Override
            public void onBatchCompleted(ProgressEvent e) {
              last.set(e);
            }
          };
      long bytes = 0;
      long readAhead;
      try (ResultIterator<byte[]> it =
          Parallel.builder()
              .backend("loky")
              .nJobs(2)
              .maxPendingBytes(MAX_PENDING_BYTES)
              .progress(progress)
              .returnAs(ReturnAs.GENERATOR)
              .build()
              .iterate(
                  IntStream.range(0, TASKS)
                      .mapToObj(
                          i -> {
                            read.incrementAndGet();
                            return delayed(LokyPendingBytesTest::mebibyte, i);
                          }))) {
        bytes += it.next().length;
        consumed.incrementAndGet();
        // paused: every task dispatched has finished and nothing more is dispatched
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .during(Duration.ofMillis(500))
            .until(
                () ->
                    last.get() != null
                        && last.get().completedTasks() == last.get().dispatchedTasks());
        readAhead = read.get() - consumed.get();
        while (it.hasNext()) {
          bytes += it.next().length;
          consumed.incrementAndGet();
        }
      }
      System.out.println("BYTES " + bytes);
      System.out.println("READ_AHEAD " + readAhead);
      System.out.flush();
      LokyBackend.shutdown();
    }
  }

  static byte[] mebibyte(Integer i) {
    byte[] b = new byte[RESULT];
    b[0] = (byte) (int) i;
    return b;
  }

  @Test
  void aPausedConsumerHoldsAboutMaxPendingBytesOfResultsInA96MegabyteCaller() throws Exception {
    try (ChildJvm caller = ChildJvm.start(SmallHeapCaller.class, List.of("-Xmx96m"), Map.of())) {
      assertThat(caller.process.waitFor(300, TimeUnit.SECONDS))
          .as("caller finished; output:\n%s", caller.output())
          .isTrue();
      assertThat(caller.process.exitValue()).as(caller.output()).isZero();
      assertThat(caller.value("BYTES"))
          .as(caller.output())
          .isEqualTo(Long.toString((long) TASKS * RESULT));
      // 16 results of a MiB pass the bound; the batches in flight then (pre-dispatch: 4 tasks, auto
      // batches capped at 2 tasks by the bytes per task) still arrive
      assertThat(Long.parseLong(caller.value("READ_AHEAD")))
          .as(caller.output())
          .isBetween(16L, 16L + 8 + 2);
    }
  }
}
