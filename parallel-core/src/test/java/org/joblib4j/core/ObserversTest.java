package org.joblib4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.observation.ObservedCall;
import org.joblib4j.observation.ObservedCallEnd;
import org.joblib4j.observation.Observers;
import org.joblib4j.observation.ParallelObserver;
import org.junit.jupiter.api.Test;

/** Observers hear about calls; one that throws is dropped and the call goes on. */
class ObserversTest {
  static Integer square(Integer x) {
    return x * x;
  }

  @Test
  void anObserverHearsTheCallStartAndEndUntilItIsUnregistered() {
    List<Object> heard = new CopyOnWriteArrayList<>();
    ParallelObserver observer =
        new ParallelObserver() {
          @Override
          public void callStarted(ObservedCall call) {
            heard.add(call);
          }

          @Override
          public void callFinished(ObservedCallEnd end) {
            heard.add(end);
          }
        };
    try (Observers.Registration r = Observers.register(observer)) {
      assertThat(
              Parallel.builder()
                  .backend("sequential")
                  .build()
                  .run(IntStream.range(0, 3).mapToObj(i -> delayed(ObserversTest::square, i))))
          .containsExactly(0, 1, 4);
    }
    assertThat(heard).hasSize(2);
    ObservedCall call = (ObservedCall) heard.get(0);
    assertThat(call.backend()).isEqualTo("sequential");
    assertThat(call.workers()).isEqualTo(1);
    assertThat(call.totalTasks()).isEqualTo(3);
    ObservedCallEnd end = (ObservedCallEnd) heard.get(1);
    assertThat(end.call()).isSameAs(call);
    assertThat(end.completedTasks()).isEqualTo(3);
    assertThat(end.succeeded()).isTrue();

    Parallel.builder()
        .backend("sequential")
        .build()
        .run(List.of(delayed(ObserversTest::square, 1)));
    assertThat(heard).as("after its registration was closed").hasSize(2);
  }

  @Test
  void anObserverThatThrowsIsRemovedAndTheCallGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    ParallelObserver broken =
        new ParallelObserver() {
          @Override
          public void callStarted(ObservedCall call) {
            calls.incrementAndGet();
            throw new IllegalStateException("broken observer");
          }
        };
    try (Observers.Registration r = Observers.register(broken)) {
      assertThat(
              Parallel.builder()
                  .backend("sequential")
                  .build()
                  .run(List.of(delayed(ObserversTest::square, 2))))
          .containsExactly(4);
      assertThat(
              Parallel.builder()
                  .backend("sequential")
                  .build()
                  .run(List.of(delayed(ObserversTest::square, 3))))
          .containsExactly(9);
    }
    assertThat(calls).hasValue(1);
    assertThat(Observers.any()).isFalse();
  }
}
