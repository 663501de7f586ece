package org.joblib4j.core.engine;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.joblib4j.ResultIterator;

/**
 * One subscriber's call. Results go out only as far as the subscriber asked: a drain on one of
 * {@link CallThreads} hands out what was requested and ends, so no thread waits while demand is
 * zero; the call's own read-ahead bound ({@code maxPendingResults}) limits how far the work runs
 * ahead of demand. Signals are serial: one drain runs at a time, the first after {@code
 * onSubscribe}.
 */
final class CallSubscription implements Flow.Subscription, Runnable {
  private final Flow.Subscriber<? super Object> subscriber;
  private final Supplier<ResultIterator<Object>> start;
  private final AtomicLong demand = new AtomicLong();
  // drains asked for and not yet run; the one that takes it from 0 runs them all
  private final AtomicInteger drains = new AtomicInteger(1);
  private volatile boolean cancelled;
  private volatile ResultIterator<Object> results;
  private volatile Throwable badRequest;
  private boolean done;

  CallSubscription(
      Flow.Subscriber<? super Object> subscriber, Supplier<ResultIterator<Object>> start) {
    this.subscriber = subscriber;
    this.start = start;
  }

  void begin() {
    try {
      subscriber.onSubscribe(this);
    } catch (RuntimeException | Error e) {
      // rule 2.13: a subscriber that throws is cancelled
      cancelled = true;
    }
    CallThreads.execute(this);
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      badRequest =
          new IllegalArgumentException(
              "request("
                  + n
                  + "): a subscriber must request a positive number of results (Reactive Streams rule 3.9)");
    } else {
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
    }
    schedule();
  }

  @Override
  public void cancel() {
    cancelled = true;
    ResultIterator<Object> r = results;
    if (r != null) {
      // ends a drain waiting for the next result at once
      r.close();
    }
    schedule();
  }

  private void schedule() {
    if (drains.getAndIncrement() == 0) {
      CallThreads.execute(this);
    }
  }

  @Override
  public void run() {
    int missed = 1;
    do {
      if (!done) {
        drain();
      }
      missed = drains.addAndGet(-missed);
    } while (missed != 0);
  }

  private void drain() {
    if (stopped()) {
      return;
    }
    if (results == null) {
      if (demand.get() == 0) {
        return;
      }
      try {
        results = start.get();
      } catch (RuntimeException | Error e) {
        fail(e);
        return;
      }
      if (stopped()) {
        return;
      }
    }
    while (demand.get() > 0) {
      Object value;
      try {
        if (!results.hasNext()) {
          done = true;
          subscriber.onComplete();
          return;
        }
        value = results.next();
      } catch (RuntimeException | Error e) {
        if (!stopped()) {
          fail(e);
        }
        return;
      }
      if (value == null) {
        fail(
            new NullPointerException(
                "A task returned null, which a Flow.Publisher may not deliver (Reactive Streams rule 2.13):"
                    + " return a value, or use submit() or iterate()"));
        return;
      }
      if (demand.get() != Long.MAX_VALUE) {
        demand.decrementAndGet();
      }
      try {
        subscriber.onNext(value);
      } catch (RuntimeException | Error e) {
        cancelled = true;
      }
      if (stopped()) {
        return;
      }
    }
  }

  /** Cancelled or a bad request: closes the call once and says whether the drain must stop. */
  private boolean stopped() {
    if (done) {
      return true;
    }
    if (cancelled) {
      done = true;
      close();
      return true;
    }
    Throwable bad = badRequest;
    if (bad != null) {
      fail(bad);
      return true;
    }
    return false;
  }

  private void fail(Throwable e) {
    done = true;
    close();
    subscriber.onError(e);
  }

  private void close() {
    ResultIterator<Object> r = results;
    if (r != null) {
      r.close();
    }
  }
}
