package org.joblib4j.core.engine;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.joblib4j.ResultIterator;
import org.joblib4j.spi.RetrievalContext;

/**
 * The consumer's side of one call: hands out results one by one (generator modes) or all at once
 * (list mode), enters the backend's retrieval context around the wait, and ends the call exactly
 * once: when the results run out, on failure, on {@link #close()}, or when an abandoned iterator is
 * garbage collected.
 */
final class CallIterator implements ResultIterator<Object> {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ResultSource source;
  private final CallEnd end;
  private final boolean generator;
  private final RetrievalContextFactory contexts;
  private final Results results;
  private final Cleaner.Cleanable cleanable;
  private final java.util.concurrent.atomic.AtomicInteger consumers =
      new java.util.concurrent.atomic.AtomicInteger();
  private RetrievalContext context;
  private List<Object> buffer = List.of();
  private long bufferIndex;
  private int position;
  private long yielded;

  /** Opens the backend's retrieval context; {@code null} where the path has none. */
  interface RetrievalContextFactory {
    RetrievalContext open();
  }

  CallIterator(
      ResultSource source,
      CallEnd end,
      boolean generator,
      RetrievalContextFactory contexts,
      Results results) {
    this.source = source;
    this.end = end;
    this.generator = generator;
    this.contexts = contexts;
    this.results = results;
    this.cleanable = generator ? CLEANER.register(this, new Abandoned(source, end)) : null;
  }

  /** Ends a call once; shared with the cleaner, which must not reach the iterator. */
  static final class CallEnd {
    private final AtomicBoolean ended = new AtomicBoolean();
    private final java.util.function.Consumer<Throwable> onEnd;

    CallEnd(java.util.function.Consumer<Throwable> onEnd) {
      this.onEnd = onEnd;
    }

    boolean isEnded() {
      return ended.get();
    }

    void end(Throwable failure) {
      if (ended.compareAndSet(false, true)) {
        onEnd.accept(failure);
      }
    }
  }

  private static final class Abandoned implements Runnable {
    private final ResultSource source;
    private final CallEnd end;

    Abandoned(ResultSource source, CallEnd end) {
      this.source = source;
      this.end = end;
    }

    @Override
    public void run() {
      if (!end.isEnded()) {
        source.abort();
        end.end(new CancellationException("the result iterator was garbage collected"));
      }
    }
  }

  /** Collects every result (list mode). */
  List<Object> collectAll(long sizeHint) {
    List<Object> all = new ArrayList<>(sizeHint > 0 ? (int) Math.min(sizeHint, 1 << 24) : 16);
    // a submitted call is closed from another thread: this thread then ends the call itself
    consumers.incrementAndGet();
    try {
      openContext();
      for (ResultSource.Chunk chunk; (chunk = source.next()) != null; ) {
        all.addAll(chunk.values());
      }
      all = results.all(all, 0);
    } catch (RuntimeException | Error e) {
      finish(e);
      throw e;
    } finally {
      consumers.decrementAndGet();
    }
    finish(null);
    return all;
  }

  @Override
  public boolean hasNext() {
    if (position < buffer.size()) {
      return true;
    }
    if (end.isEnded()) {
      return false;
    }
    consumers.incrementAndGet();
    try {
      openContext();
      while (position >= buffer.size()) {
        ResultSource.Chunk chunk = source.next();
        if (chunk == null) {
          finish(null);
          return false;
        }
        buffer = chunk.values();
        bufferIndex = chunk.firstIndex();
        position = 0;
      }
      return true;
    } catch (RuntimeException | Error e) {
      buffer = List.of();
      position = 0;
      finish(e);
      throw e;
    } finally {
      consumers.decrementAndGet();
    }
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more results");
    }
    yielded++;
    int at = position++;
    // a collected failure is thrown for its own element; the iteration goes on after it
    return results.element(bufferIndex + at, buffer.get(at));
  }

  /**
   * Cancels what is left. From another thread than the consumer's, the consumer's pending {@code
   * hasNext()} ends promptly with a {@link CancellationException}.
   */
  @Override
  public void close() {
    if (end.isEnded()) {
      return;
    }
    if (generator) {
      warnUnused();
    }
    source.abort();
    if (consumers.get() == 0) {
      finish(new CancellationException("the result iterator was closed"));
    }
  }

  /** joblib's {@code _warn_exit_early}. */
  private void warnUnused() {
    CallState s = source.state();
    long readyOutputs = s.completedTasks() - yielded;
    boolean completed = s.completed();
    StringBuilder msg = new StringBuilder();
    if (readyOutputs > 0) {
      msg.append(readyOutputs).append(" tasks have been successfully executed  but not used.");
      if (!completed) {
        msg.append(" Additionally, ");
      }
    }
    if (!completed) {
      msg.append(s.dispatchedTasks() - s.completedTasks())
          .append(" tasks which were still being processed by the workers have been cancelled.");
    }
    if (msg.length() > 0) {
      msg.append(
          " You could benefit from adjusting the input task iterator to limit unnecessary"
              + " computation time.");
      Warnings.warn(msg.toString());
    }
  }

  private void openContext() {
    if (context == null && contexts != null) {
      context = contexts.open();
    }
  }

  private void finish(Throwable failure) {
    if (context != null) {
      try {
        context.close();
      } finally {
        context = null;
        end.end(failure);
      }
    } else {
      end.end(failure);
    }
    if (cleanable != null) {
      cleanable.clean();
    }
  }
}
