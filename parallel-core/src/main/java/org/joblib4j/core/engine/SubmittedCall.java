package org.joblib4j.core.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * {@code Parallel.submit}: a call whose results one of {@link CallThreads} collects. Cancelling the
 * future cancels the call (and, with {@code mayInterruptIfRunning}, interrupts the collecting
 * thread, which runs the tasks itself at n_jobs=1) and returns once the call has ended, so the
 * {@code Parallel} is free for the next call.
 */
final class SubmittedCall extends CompletableFuture<List<Object>> {
  private final CallIterator call;
  private final CountDownLatch ended = new CountDownLatch(1);
  private Thread consumer;

  private SubmittedCall(CallIterator call) {
    this.call = call;
  }

  static CompletableFuture<List<Object>> collect(CallIterator call, long sizeHint) {
    SubmittedCall future = new SubmittedCall(call);
    CallThreads.execute(
        () -> {
          synchronized (future) {
            future.consumer = Thread.currentThread();
          }
          try {
            future.complete(call.collectAll(sizeHint));
          } catch (RuntimeException | Error e) {
            future.completeExceptionally(e);
          } finally {
            synchronized (future) {
              future.consumer = null;
              // a cancel's interrupt must not reach the thread's next call
              Thread.interrupted();
            }
            future.ended.countDown();
          }
        });
    return future;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      call.close();
      Thread self = Thread.currentThread();
      boolean own;
      synchronized (this) {
        own = consumer == self;
        // at n_jobs=1 the consumer runs the tasks itself: Future's contract interrupts it
        if (mayInterruptIfRunning && consumer != null && consumer != self) {
          consumer.interrupt();
        }
      }
      // a progress listener may cancel from the consumer's own thread: it must not wait for itself
      if (!own) {
        boolean interrupted = false;
        while (true) {
          try {
            ended.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return cancelled;
  }
}
