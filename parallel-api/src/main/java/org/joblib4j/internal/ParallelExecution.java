package org.joblib4j.internal;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import org.joblib4j.ResultIterator;
import org.joblib4j.Task;

/** The engine side of one {@code Parallel} instance. Implemented by parallel-core only. */
public interface ParallelExecution extends AutoCloseable {

  /**
   * Returns the name of the backend the calls use.
   *
   * @return the name
   */
  String backendName();

  /**
   * Returns the requested n_jobs after configuration resolution.
   *
   * @return the value, or {@code null} when the backend's default applies
   */
  Integer nJobs();

  /**
   * Returns the nesting level.
   *
   * @return 0 at top level
   */
  int nestingLevel();

  /**
   * Returns the verbosity after configuration resolution.
   *
   * @return the verbosity
   */
  int verbose();

  /**
   * Returns joblib's {@code _effective_n_jobs()}: the number of workers a call would use.
   *
   * @return the effective n_jobs
   */
  int effectiveNJobs();

  /**
   * Runs the tasks and returns their results in input order.
   *
   * @param tasks the tasks, consumed lazily
   * @param size the number of tasks if known, else -1
   * @return the results
   */
  default List<Object> run(Iterator<? extends Task<?>> tasks, long size) {
    return run(tasks, size, false);
  }

  /**
   * Runs the tasks; with {@code outcomes}, every task runs and each element is an {@code Outcome}.
   *
   * @param tasks the tasks, consumed lazily
   * @param size the number of tasks if known, else -1
   * @param outcomes whether to collect one outcome per task
   * @return the results or outcomes, in input order
   */
  List<Object> run(Iterator<? extends Task<?>> tasks, long size, boolean outcomes);

  /**
   * Starts the tasks and returns a lazy iterator over the results.
   *
   * @param tasks the tasks, consumed lazily
   * @param size the number of tasks if known, else -1
   * @return the results, in input or completion order as configured
   */
  default ResultIterator<Object> iterate(Iterator<? extends Task<?>> tasks, long size) {
    return iterate(tasks, size, false);
  }

  /**
   * Starts the tasks; with {@code outcomes}, every task runs and each element is an {@code
   * Outcome}.
   *
   * @param tasks the tasks, consumed lazily
   * @param size the number of tasks if known, else -1
   * @param outcomes whether to collect one outcome per task
   * @return the results or outcomes
   */
  ResultIterator<Object> iterate(Iterator<? extends Task<?>> tasks, long size, boolean outcomes);

  /**
   * Starts the tasks in the caller's thread (as {@link #run}) and collects their results in
   * another: the future completes with what {@code run} would return or throw; cancelling it
   * cancels the call.
   *
   * @param tasks the tasks, consumed lazily
   * @param size the number of tasks if known, else -1
   * @param outcomes whether to collect one outcome per task
   * @return the results or outcomes, in input order
   */
  CompletableFuture<List<Object>> submit(
      Iterator<? extends Task<?>> tasks, long size, boolean outcomes);

  /**
   * A cold publisher of the results: each subscriber's first request starts a call over the tasks
   * {@code tasks} gives, in the order {@link #iterate} would give them.
   *
   * @param tasks gives the tasks once per subscriber
   * @param size the number of tasks if known, else -1
   * @return the publisher
   */
  Flow.Publisher<Object> publish(Supplier<? extends Iterator<? extends Task<?>>> tasks, long size);

  /** Aborts a live call and releases the backend's resources. */
  @Override
  void close();

  /**
   * Releases the backend's resources once no call is running, without aborting one that is (used
   * when the {@code Parallel} is garbage collected while its result iterator is still read).
   */
  void release();
}
