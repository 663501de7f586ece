package org.joblib4j.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.Parallel;

/**
 * An execution engine for {@link Parallel}: joblib's {@code ParallelBackendBase}, in Java form.
 *
 * <p>The engine calls, for each {@code Parallel} call: {@link #configure} (once per call, or once
 * for a reused {@code Parallel}), {@link #startCall}, then {@link #submit} for each batch (results
 * arrive through the returned future: never polled), {@link #computeBatchSize} before each cut and
 * {@link #batchCompleted} after each batch, {@link #abortEverything} after the first error, a
 * timeout or an early close, {@link #stopCall}, and {@link #terminate} when the call's resources
 * can go.
 *
 * <p>A minimal backend implements {@link #configure} and {@link #submit}:
 *
 * <pre>{@code
 * final class PoolBackend implements ParallelBackend {
 *   private final ExecutorService pool;
 *   PoolBackend(ExecutorService pool) { this.pool = pool; }
 *   public int configure(CallSettings s) { return effectiveNJobs(s.nJobs()); }
 *   public CompletableFuture<List<Object>> submit(Batch batch) {
 *     return CompletableFuture.supplyAsync(batch::callUnchecked, pool);
 *   }
 * }
 * }</pre>
 *
 * <p>Instances are used by one call at a time; the engine never calls them concurrently except
 * {@link #abortEverything}, which may race with completions.
 */
public interface ParallelBackend {

  /**
   * The worker count used when neither the caller nor the configuration gives one: joblib's {@code
   * default_n_jobs} (1 for local backends, -1 for clusters).
   *
   * @return the default n_jobs
   */
  default int defaultNJobs() {
    return 1;
  }

  /**
   * Maps a requested n_jobs to the real concurrency: negative values count back from {@link
   * Parallel#cpuCount()} ({@code max(cpuCount + 1 + n, 1)}), 0 is an error.
   *
   * @param nJobs the requested value
   * @return the effective number of workers
   * @throws IllegalArgumentException {@code nJobs == 0 in Parallel has no meaning}
   */
  default int effectiveNJobs(int nJobs) {
    return standardEffectiveNJobs(nJobs);
  }

  /**
   * Prepares the backend for a call and returns the number of workers it will use.
   *
   * @param settings the call's resolved settings
   * @return the effective number of workers; 1 makes the engine run the call sequentially in the
   *     caller's thread, 0 is an error ("has no active worker")
   */
  int configure(CallSettings settings);

  /**
   * Starts a batch. The future completes with the batch's results (one per task, in order), or
   * exceptionally with what {@link Batch#call()} threw (a {@link BatchTaskException}) or with a
   * framework error (for example a {@code WorkerTerminatedException}). It must complete exactly
   * once, even when the call is aborted.
   *
   * @param batch the batch
   * @return the batch's future
   */
  CompletableFuture<List<Object>> submit(Batch batch);

  /**
   * Cancels or kills the running work of the current call after its first error, a timeout or an
   * early close. Threads are interrupted; processes are killed.
   *
   * @param ensureReady whether the backend must stay usable afterwards (a reused {@code Parallel})
   */
  default void abortEverything(boolean ensureReady) {}

  /**
   * The backend that {@code Parallel} calls made inside this backend's tasks use: joblib's {@code
   * get_nested_backend()}. By default threads at level 1 and sequential below, so nesting never
   * oversubscribes.
   *
   * @param nestingLevel this backend's nesting level (0 at top level)
   * @return the nested backend, or {@code null} to leave the task's configuration unchanged
   */
  default NestedBackend nestedBackend(int nestingLevel) {
    return NestedBackend.defaultFor(nestingLevel);
  }

  /**
   * The batch size to use next when {@code batchSize} is auto. See {@link
   * org.joblib4j.spi.support.AutoBatchSizer}.
   *
   * @return the batch size, at least 1
   */
  default int computeBatchSize() {
    return 1;
  }

  /**
   * The batch size to use next when {@code batchSize} is auto, at most {@code max} (the engine's
   * cap, from {@code maxBatchSize} and the bound on what a call holds). A backend that learns from
   * completed batches passes the cap to its sizer ({@link
   * org.joblib4j.spi.support.AutoBatchSizer#computeBatchSize(int)}), so the capped batches it
   * reports are the ones it learns from.
   *
   * @param max the cap, at least 1
   * @return the batch size, from 1 to {@code max}
   */
  default int computeBatchSize(int max) {
    return Math.max(1, Math.min(max, computeBatchSize()));
  }

  /**
   * Reports a finished batch, for auto batching.
   *
   * @param batchSize the number of tasks in the batch
   * @param durationNanos the time from dispatch to completion
   */
  default void batchCompleted(int batchSize, long durationNanos) {}

  /**
   * joblib's verbose note on the last change of the auto batch size ({@code Batch computation too
   * fast (0.0123s.) Setting batch_size=4.}), which the engine prints at verbose 10 and above, once.
   * A backend sizing with {@link org.joblib4j.spi.support.AutoBatchSizer} returns its {@link
   * org.joblib4j.spi.support.AutoBatchSizer#takeChange()}.
   *
   * @return the note, or {@code null} when there is none
   */
  default String takeBatchSizeChange() {
    return null;
  }

  /** Called at the start of each call, after {@link #configure}. */
  default void startCall() {}

  /** Called at the end of each call, before {@link #terminate}. */
  default void stopCall() {}

  /** Releases the call's resources: after each call, or when a reused {@code Parallel} closes. */
  default void terminate() {}

  /**
   * Wraps the caller's wait for results (joblib's {@code retrieval_context}); a cluster backend can
   * leave its worker slot while it waits. Entered once per top-level call.
   *
   * @return the context to close when the wait ends
   */
  default RetrievalContext retrievalContext() {
    return RetrievalContext.NONE;
  }

  /**
   * Whether {@code timeout} is honoured; otherwise it is ignored with joblib's warning.
   *
   * @return true by default
   */
  default boolean supportsTimeout() {
    return true;
  }

  /**
   * Whether generator return modes are allowed.
   *
   * @return true by default
   */
  default boolean supportsReturnGenerator() {
    return true;
  }

  /**
   * Whether tasks share the caller's memory (satisfies {@code require=SHAREDMEM}).
   *
   * @return false by default
   */
  default boolean supportsSharedMem() {
    return false;
  }

  /**
   * Whether the workers are threads of the caller's JVM (used by {@code prefer}).
   *
   * @return false by default
   */
  default boolean usesThreads() {
    return false;
  }

  /**
   * Whether the workers use this machine's CPUs, as threads of the caller's JVM or as worker JVMs
   * it starts: the CPU budget ({@code joblib4j.cpu-budget}) counts them; a cluster's do not.
   *
   * @return {@link #usesThreads()} by default
   */
  default boolean usesLocalCpus() {
    return usesThreads();
  }

  /**
   * Whether {@code innerMaxNumThreads} can be applied to the workers.
   *
   * @return false by default
   */
  default boolean supportsInnerMaxNumThreads() {
    return false;
  }

  /**
   * The usual n_jobs mapping, for backends that override {@link #effectiveNJobs}.
   *
   * @param nJobs the requested value
   * @return {@code nJobs} if positive, {@code max(cpuCount + 1 + nJobs, 1)} if negative
   * @throws IllegalArgumentException if {@code nJobs == 0}
   */
  static int standardEffectiveNJobs(int nJobs) {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs == 0 in Parallel has no meaning");
    }
    if (nJobs < 0) {
      return Math.max(Parallel.cpuCount() + 1 + nJobs, 1);
    }
    return nJobs;
  }
}
