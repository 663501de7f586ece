package org.joblib4j.core.engine;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import org.joblib4j.ResultIterator;

/**
 * {@code Parallel.publish}: a cold publisher; each subscriber gets its own call, started at its
 * first request.
 */
final class CallPublisher implements Flow.Publisher<Object> {
  private final Supplier<ResultIterator<Object>> start;

  CallPublisher(Supplier<ResultIterator<Object>> start) {
    this.start = start;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Object> subscriber) {
    // Reactive Streams rule 1.9
    Objects.requireNonNull(subscriber, "subscriber");
    new CallSubscription(subscriber, start).begin();
  }
}
