package org.joblib4j.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

/**
 * A subscriber for the kit's publisher checks: records what arrives, asks for results only when
 * told, and notes every signal that breaks the Reactive Streams rules (more results than asked for,
 * a signal after the end, a signal before {@code onSubscribe}).
 */
final class RecordingSubscriber<T> implements Flow.Subscriber<T> {
  final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();

  /** Completes with null on {@code onComplete}, exceptionally with what {@code onError} got. */
  final CompletableFuture<Void> ended = new CompletableFuture<>();

  private final List<T> received = new ArrayList<>();

  /** How many results {@code onEach} has finished with: a waiting test sees only those. */
  private int handled;

  private final List<String> violations = new ArrayList<>();
  private final BiConsumer<RecordingSubscriber<T>, T> onEach;
  private long outstanding;
  private CompletableFuture<List<T>> waitingFor;
  private int waitingCount;

  RecordingSubscriber() {
    this((s, item) -> {});
  }

  /**
   * @param onEach runs after each result is recorded, in the publisher's thread
   */
  RecordingSubscriber(BiConsumer<RecordingSubscriber<T>, T> onEach) {
    this.onEach = onEach;
  }

  /** Asks for {@code n} more results. */
  void request(long n) {
    synchronized (this) {
      outstanding = n == Long.MAX_VALUE ? Long.MAX_VALUE : outstanding + n;
    }
    subscribed.join().request(n);
  }

  /**
   * Completes once {@code count} results in all have arrived and {@code onEach} has run for them
   * (so a test goes on only after what it did, such as a cancel), with the results received.
   */
  synchronized CompletableFuture<List<T>> receivedAtLeast(int count) {
    CompletableFuture<List<T>> f = new CompletableFuture<>();
    if (handled >= count) {
      f.complete(new ArrayList<>(received));
    } else {
      waitingFor = f;
      waitingCount = count;
    }
    return f;
  }

  synchronized List<T> received() {
    return new ArrayList<>(received);
  }

  synchronized List<String> violations() {
    return new ArrayList<>(violations);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    if (!subscribed.complete(subscription)) {
      violation("onSubscribe twice");
    }
  }

  @Override
  public void onNext(T item) {
    synchronized (this) {
      if (!subscribed.isDone() || ended.isDone()) {
        violations.add("onNext(" + item + ") outside the subscription");
      }
      if (outstanding != Long.MAX_VALUE && outstanding-- <= 0) {
        violations.add("onNext(" + item + ") beyond the demand");
      }
      received.add(item);
    }
    // before a waiting test goes on, so it sees what onEach did (a cancel)
    onEach.accept(this, item);
    CompletableFuture<List<T>> done = null;
    List<T> snapshot = null;
    synchronized (this) {
      handled++;
      if (waitingFor != null && handled >= waitingCount) {
        done = waitingFor;
        snapshot = new ArrayList<>(received);
        waitingFor = null;
      }
    }
    if (done != null) {
      done.complete(snapshot);
    }
  }

  @Override
  public void onError(Throwable failure) {
    if (!ended.completeExceptionally(failure)) {
      violation("onError after the end: " + failure);
    }
  }

  @Override
  public void onComplete() {
    if (!ended.complete(null)) {
      violation("onComplete after the end");
    }
  }

  private synchronized void violation(String what) {
    violations.add(what);
  }
}
