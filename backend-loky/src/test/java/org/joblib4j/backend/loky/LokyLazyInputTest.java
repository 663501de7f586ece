package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ResultIterator;
import org.joblib4j.ReturnAs;
import org.joblib4j.tck.support.ChildJvm;
import org.junit.jupiter.api.Test;

/**
 * A lazy input far larger than the caller's heap streams through loky: only a bounded part is read
 * ahead.
 */
class LokyLazyInputTest {
  static final int TASKS = 2_000_000;

  /** The caller: a generator over a lazy Stream of tiny tasks, consumed as results come. */
  public static final class SmallHeapCaller {
    public static void main(String[] args) {
      AtomicLong read = new AtomicLong();
      AtomicLong consumed = new AtomicLong();
      AtomicLong peak = new AtomicLong();
      long sum = 0;
      try (ResultIterator<Long> it =
          Parallel.builder()
              .backend("loky")
              .nJobs(2)
              .returnAs(ReturnAs.GENERATOR)
              .build()
              .iterate(
                  IntStream.range(0, TASKS)
                      .mapToObj(
                          i -> {
                            peak.accumulateAndGet(
                                read.incrementAndGet() - consumed.get(), Math::max);
                            return delayed(LokyLazyInputTest::plusOne, i);
                          }))) {
        while (it.hasNext()) {
          sum += it.next();
          consumed.incrementAndGet();
        }
      }
      System.out.println("SUM " + sum);
      System.out.println("PEAK " + peak.get());
      System.out.flush();
      LokyBackend.shutdown();
    }
  }

  static long plusOne(Integer x) {
    return x + 1L;
  }

  @Test
  void twoMillionTinyTasksFromALazyStreamRunInA96MegabyteCaller() throws Exception {
    try (ChildJvm caller = ChildJvm.start(SmallHeapCaller.class, List.of("-Xmx96m"), Map.of())) {
      assertThat(caller.process.waitFor(300, TimeUnit.SECONDS))
          .as("caller finished; output:\n%s", caller.output())
          .isTrue();
      assertThat(caller.process.exitValue()).as(caller.output()).isZero();
      assertThat(caller.value("SUM"))
          .as(caller.output())
          .isEqualTo(Long.toString((long) TASKS * (TASKS + 1) / 2));
      assertThat(Long.parseLong(caller.value("PEAK")))
          .isLessThanOrEqualTo(Parallel.DEFAULT_MAX_PENDING_RESULTS);
    }
  }
}
