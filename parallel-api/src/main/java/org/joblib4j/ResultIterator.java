package org.joblib4j;

import java.util.Iterator;

/**
 * The lazy result of {@link Parallel#iterate}: an {@link Iterator} that is also {@link
 * AutoCloseable}. Closing it before the end cancels the work that is left (queued tasks are
 * dropped, running ones interrupted or their workers stopped) and logs joblib's "tasks have been
 * successfully executed but not used" warning when results were thrown away.
 *
 * <pre>{@code
 * try (ResultIterator<Integer> it = parallel.iterate(tasks)) {
 *   while (it.hasNext()) {
 *     if (consume(it.next())) break;     // close() cancels the rest
 *   }
 * }
 * }</pre>
 *
 * <p>A task's failure is thrown from {@link #hasNext()} or {@link #next()}; after it the iterator
 * is finished.
 *
 * @param <T> the result type
 */
public interface ResultIterator<T> extends Iterator<T>, AutoCloseable {

  /** Cancels what is left; idempotent, never throws a checked exception. */
  @Override
  void close();
}
