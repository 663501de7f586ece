package org.joblib4j.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.RetryPolicy;
import org.joblib4j.Task;
import org.joblib4j.core.events.EngineEvents;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.ReceivedResults;
import org.joblib4j.spi.support.Durations;

/**
 * One call on a backend with more than one worker: joblib's dispatch algorithm without its polling.
 * Batches are cut from the lazily read input; each completion dispatches the next batch; the
 * consumer blocks on a condition until the result it needs (in input order, or any result in
 * completion order) is ready. The first failure stops dispatch and aborts the backend's work at
 * once, from whichever thread sees it.
 *
 * <p>What is read ahead is bounded: at most {@code maxHeld} tasks are between being read from the
 * input and having their results handed to the consumer (ready to send, running, finished and
 * waiting, or in the consumer's current chunk). Dispatch pauses when the next batch would not fit
 * and resumes when the consumer releases a chunk; auto batch sizes are capped so that several
 * batches per worker fit, or tiny tasks would grow batches until one alone filled the heap. What is
 * held also counts in bytes, bounded by {@code maxHeldBytes}: dispatch pauses while results
 * received from other processes ({@link ReceivedResults}) and not yet released take more; no more
 * tasks are held than that many bytes of them would take, by the last estimate of a task's size
 * (the heap its reading from the input allocated, {@link AllocationMeter}, or its share of a sent
 * batch, whichever is larger), but always two batches per worker, so that none idles; and auto
 * batches are capped so that one batch and its results take at most a quarter of it per worker.
 *
 * <p>Dispatching (reading the input, cutting batches, submitting) is done by one thread at a time,
 * the holder of the {@code draining} token, and never under the state lock, so a backend whose
 * {@code submit} blocks cannot deadlock against completions.
 */
final class DispatchCall implements ResultSource {
  /**
   * A tail of the input whose tasks would take less than this per worker is split evenly over the
   * workers instead of into joblib's ten times smaller batches: with tasks that small, finer
   * batches cannot even anything out, they only add round trips.
   */
  static final long TINY_TAIL_NANOS = 10_000_000L;

  /** The longest a batch of such a tail is expected to take. */
  static final long TAIL_BATCH_NANOS = 2_000_000L;

  private final ParallelBackend backend;
  private final String backendName;
  private final String parallel;
  private final int nJobs;
  private final Integer fixedBatchSize;
  private final long preDispatch;
  private final boolean ordered;
  private final long timeoutNanos;
  private final NestedBackend nested;
  private final ProgressReporter progress;
  private final Runnable abortBackend;
  private final Batch.Options batchOptions;
  private final LostBatches lostBatches;

  /** The most tasks read from the input and not yet released by the consumer. */
  private final long maxHeld;

  /**
   * The cap on an auto batch: the user's {@code maxBatchSize}, and a quarter of the bound per
   * worker.
   */
  private final int batchSizeCap;

  /** The most serialized bytes of results received and not yet released by the consumer. */
  private final long maxHeldBytes;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // owned by the holder of the draining token
  private Iterator<? extends Task<?>> input;
  private final ArrayDeque<Batch> ready = new ArrayDeque<>();
  private long nextIndex;
  private long preDispatchBudget;
  private boolean inputExhausted;

  /** The last cut found no room under {@code maxHeld}. */
  private boolean starved;

  /**
   * The least time per task a completed batch showed (dispatch to completion, so an upper bound of
   * the tasks' own time that a stalled thread cannot inflate), -1 before any.
   */
  private volatile long nanosPerTask = -1;

  /** The most result bytes per task a completed batch brought back, 0 before any. */
  private volatile long bytesPerTask;

  /** The bytes per task the last completed batch took as sent, 0 before any (or on threads). */
  private volatile long sentBytesPerTask;

  /** The heap per task reading the last slice of the input allocated, 0 before any or unknown. */
  private volatile long readBytesPerTask;

  // guarded by lock
  private boolean draining;
  private int pendingDispatch;
  private boolean iterating;
  private final ArrayDeque<Job> jobs = new ArrayDeque<>();
  private int running;
  private long dispatchedTasks;
  private long completedTasks;
  private long dispatchedBatches;
  private long totalTasks;
  private Throwable failure;
  private boolean aborting;
  private boolean abortIssued;
  private final CompletableFuture<Void> abortDone = new CompletableFuture<>();
  private long waitStartNanos;

  /** Tasks whose results the consumer has released (it asked for the chunk after theirs). */
  private long consumedTasks;

  /** The size of the chunk the consumer holds now. */
  private long heldByConsumer;

  /** Tasks read from the input so far (mirrors {@code nextIndex}, for the consumer's side). */
  private long readTasks;

  /** When dispatch waits for room: the room the next batch needs, else 0. */
  private long starvedFor;

  /** Result bytes received and not yet released (the consumer's chunk included). */
  private long heldBytes;

  /** The result bytes of the chunk the consumer holds now. */
  private long heldByConsumerBytes;

  DispatchCall(
      ParallelBackend backend,
      String backendName,
      String parallel,
      int nJobs,
      Integer fixedBatchSize,
      long preDispatch,
      boolean ordered,
      java.time.Duration timeout,
      NestedBackend nested,
      ProgressReporter progress,
      Runnable abortBackend,
      Batch.Options batchOptions,
      Integer maxPending,
      Integer maxBatchSize,
      Long maxPendingBytes,
      RetryPolicy retry) {
    this.backend = backend;
    this.lostBatches = new LostBatches(retry);
    this.backendName = backendName;
    this.parallel = parallel;
    this.nJobs = nJobs;
    this.fixedBatchSize = fixedBatchSize;
    this.preDispatch = preDispatch;
    this.ordered = ordered;
    this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
    this.nested = nested;
    this.progress = progress;
    this.abortBackend = abortBackend;
    this.batchOptions = batchOptions;
    this.maxHeld =
        maxPending == null ? org.joblib4j.Parallel.DEFAULT_MAX_PENDING_RESULTS : maxPending;
    long perWorker = Math.max(1, this.maxHeld / (4L * nJobs));
    this.batchSizeCap =
        (int) Math.min(maxBatchSize == null ? Integer.MAX_VALUE : maxBatchSize, perWorker);
    this.maxHeldBytes =
        maxPendingBytes == null
            // what is held also has serialized copies on its way: a quarter of a small heap
            ? Math.min(
                org.joblib4j.Parallel.DEFAULT_MAX_PENDING_BYTES,
                Runtime.getRuntime().maxMemory() / 4)
            : maxPendingBytes;
  }

  private static final class Job {
    final Batch batch;
    final long dispatchNanos;
    final EngineEvents.Batch events;
    boolean done;
    List<Object> results;
    long bytes;
    long waitStartNanos;

    /** The attempt now running, from 1: a batch whose worker died is sent again. */
    int attempt = 1;

    /** The failures of its earlier attempts, oldest first, or {@code null}. */
    List<Throwable> lost;

    Job(Batch batch, long dispatchNanos, EngineEvents.Batch events) {
      this.batch = batch;
      this.dispatchNanos = dispatchNanos;
      this.events = events;
    }
  }

  // ------------------------------------------------------------------ dispatch

  /** Pre-dispatches in the caller's thread: {@code preDispatch} tasks, or all of them. */
  void start(Iterator<? extends Task<?>> tasks, long size) {
    this.input = tasks;
    this.preDispatchBudget = preDispatch;
    lock.lock();
    try {
      totalTasks = size;
      draining = true;
      iterating = true;
    } finally {
      lock.unlock();
    }
    while (true) {
      Batch b = nextBatch(false);
      if (b == null || !submit(b)) {
        break;
      }
    }
    lock.lock();
    try {
      if (inputExhausted) {
        iterating = false;
        totalTasks = dispatchedTasks;
      }
      preDispatchBudget = -1;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    drain();
  }

  /** Dispatches one batch per pending request until none is left; releases the token after. */
  private void drain() {
    while (true) {
      lock.lock();
      try {
        if (aborting || pendingDispatch == 0 || (starvedFor > 0 && !fitsLocked(starvedFor))) {
          // a starved dispatch resumes when the consumer releases enough (see next())
          draining = false;
          signalIfNoJobLeft();
          return;
        }
        starvedFor = 0;
        pendingDispatch--;
      } finally {
        lock.unlock();
      }
      Batch b = nextBatch(true);
      if (b == null && starved) {
        lock.lock();
        try {
          pendingDispatch++;
        } finally {
          lock.unlock();
        }
      } else if (b == null) {
        lock.lock();
        try {
          iterating = false;
          pendingDispatch = 0;
          totalTasks = dispatchedTasks;
          signalIfNoJobLeft();
        } finally {
          lock.unlock();
        }
      } else {
        submit(b);
      }
    }
  }

  /** The next batch to dispatch, cutting a new slice of the input when none is ready. */
  private Batch nextBatch(boolean callbackPhase) {
    starved = false;
    Batch b = ready.poll();
    if (b != null || inputExhausted) {
      return b;
    }
    int batchSize =
        fixedBatchSize != null ? (int) Math.min(fixedBatchSize, maxHeld) : autoBatchSize();
    long want = Math.min((long) batchSize * nJobs, 1L << 24);
    boolean limited = !callbackPhase && preDispatchBudget >= 0;
    if (limited) {
      want = Math.min(want, preDispatchBudget);
      if (want <= 0) {
        return null;
      }
    }
    long room = reserveRoom(Math.min(batchSize, want));
    if (room < 0) {
      starved = true;
      return null;
    }
    boolean roomLimited = room < want;
    if (roomLimited) {
      // whole batches only: a sliver would shrink every later batch cut from the room it frees
      want = room / batchSize * batchSize;
    }
    List<Task<?>> slice = new ArrayList<>((int) Math.min(want, 4096));
    long allocatedBefore = AllocationMeter.allocatedBytes();
    try {
      while (slice.size() < want && input.hasNext()) {
        Task<?> task = input.next();
        if (task == null) {
          throw new IllegalArgumentException(
              "Task "
                  + (nextIndex + slice.size())
                  + " is null: every element of the input must be a Task.");
        }
        slice.add(task);
      }
    } catch (Throwable t) {
      inputExhausted = true;
      fail(t);
      return null;
    }
    if (slice.size() < want) {
      inputExhausted = true;
    }
    if (allocatedBefore >= 0 && !slice.isEmpty()) {
      // the last slice's figure, not the largest: a one-off cost of the input (opening a file)
      // must not throttle the rest of the call
      readBytesPerTask =
          Math.max(0, AllocationMeter.allocatedBytes() - allocatedBefore) / slice.size();
    }
    if (limited) {
      preDispatchBudget -= slice.size();
    }
    lock.lock();
    try {
      readTasks += slice.size();
    } finally {
      lock.unlock();
    }
    if (slice.isEmpty()) {
      return null;
    }
    int finalSize =
        callbackPhase && slice.size() < want
            ? tailBatchSize(slice.size())
            : roomLimited ? batchSize : Math.max(1, slice.size() / nJobs);
    for (int i = 0; i < slice.size(); i += finalSize) {
      ready.add(
          new Batch(
              nextIndex + i,
              slice.subList(i, Math.min(i + finalSize, slice.size())),
              nested,
              batchOptions));
    }
    nextIndex += slice.size();
    return ready.poll();
  }

  /**
   * The room left under {@code maxHeld}, or -1 (and dispatch marked as waiting for {@code needed})
   * when less than {@code needed} is left.
   */
  private long reserveRoom(long needed) {
    lock.lock();
    try {
      long room = roomLocked();
      if (!fitsLocked(needed)) {
        starvedFor = needed;
        return -1;
      }
      return room;
    } finally {
      lock.unlock();
    }
  }

  /** Call with the lock held. */
  private long roomLocked() {
    return heldBoundLocked() - (readTasks - consumedTasks);
  }

  /**
   * The most tasks that may be held: {@code maxHeld}, and no more than {@code maxHeldBytes} of them
   * as sent, but at least two batches per worker. Call with the lock held.
   */
  private long heldBoundLocked() {
    long perTask = Math.max(sentBytesPerTask, readBytesPerTask);
    if (perTask <= 0) {
      return maxHeld;
    }
    long atLeast = 2L * nJobs * (fixedBatchSize == null ? 1 : fixedBatchSize);
    return Math.min(maxHeld, Math.max(atLeast, maxHeldBytes / perTask));
  }

  /** Whether a batch of {@code needed} tasks may be read now; call with the lock held. */
  private boolean fitsLocked(long needed) {
    return roomLocked() >= needed && heldBytes <= maxHeldBytes;
  }

  /**
   * The backend's auto batch size, under the count cap and the bytes it and its results may take.
   */
  private int autoBatchSize() {
    long perTask = bytesPerTask + Math.max(sentBytesPerTask, readBytesPerTask);
    int cap = batchSizeCap;
    if (perTask > 0) {
      cap = (int) Math.max(1, Math.min(cap, maxHeldBytes / (4L * nJobs * perTask)));
    }
    int size = Math.min(cap, Math.max(1, backend.computeBatchSize(cap)));
    if (progress.printsBatchSizeChanges()) {
      progress.batchSizeChanged(backend.takeBatchSizeChange());
    }
    return size;
  }

  /** The batch size for the tail of the input. */
  private int tailBatchSize(int tasks) {
    int even = (tasks + nJobs - 1) / nJobs;
    long perTask = nanosPerTask;
    if (fixedBatchSize == null && perTask >= 0 && perTask * even <= TINY_TAIL_NANOS) {
      // but batches short enough that sending, running and reading back still overlap
      long overlap = Math.max(1, TAIL_BATCH_NANOS / Math.max(perTask, 1));
      return (int) Math.max(Math.max(1, tasks / (10 * nJobs)), Math.min(even, overlap));
    }
    // joblib: smaller batches even out the stragglers
    return Math.max(1, tasks / (10 * nJobs));
  }

  private boolean submit(Batch b) {
    Job job = new Job(b, System.nanoTime(), progress.batchDispatched(b.firstIndex(), b.size()));
    lock.lock();
    try {
      if (aborting) {
        return false;
      }
      dispatchedTasks += b.size();
      dispatchedBatches++;
      running++;
      if (ordered) {
        jobs.add(job);
      }
    } finally {
      lock.unlock();
    }
    send(job);
    return true;
  }

  /** Sends a job's batch to the backend: its first attempt, or another after its worker died. */
  private void send(Job job) {
    Batch b = job.batch;
    CompletableFuture<List<Object>> future;
    try {
      future = backend.submit(b);
      if (future == null) {
        future =
            CompletableFuture.failedFuture(
                new IllegalStateException(
                    backend.getClass().getSimpleName()
                        + ".submit returned null instead of a future"));
      }
    } catch (Throwable t) {
      future = CompletableFuture.failedFuture(t);
    }
    future.whenComplete((results, error) -> completed(job, results, error));
  }

  /**
   * A batch whose worker died goes again after the policy's backoff, still counted as running; a
   * call that aborts meanwhile ends it with that failure.
   */
  private void sendAgain(Job job, Throwable lostTo) {
    lock.lock();
    try {
      if (job.done) {
        return;
      }
      if (job.lost == null) {
        job.lost = new ArrayList<>();
      }
      job.lost.add(lostTo);
      job.attempt++;
    } finally {
      lock.unlock();
    }
    Runnable again =
        () -> {
          if (isAborting()) {
            completed(job, null, lostTo);
          } else {
            send(job);
          }
        };
    long delay = lostBatches.delayNanosBefore(job.attempt);
    if (delay > 0) {
      CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(again);
    } else {
      CompletableFuture.runAsync(again);
    }
  }

  // ------------------------------------------------------------------ completion

  private void completed(Job job, List<Object> received, Throwable error) {
    long bytes = received == null ? 0 : ReceivedResults.bytesOf(received);
    long sentBytes = received == null ? 0 : ReceivedResults.sentBytesOf(received);
    String worker = received == null ? null : ReceivedResults.workerOf(received);
    List<Object> results = received == null ? null : ReceivedResults.unwrap(received);
    Throwable err = error == null ? null : Failures.unwrap(error);
    if (err != null && !isAborting() && lostBatches.retries(err, job.attempt)) {
      sendAgain(job, err);
      return;
    }
    if (job.lost != null) {
      if (err != null) {
        lostBatches.withEarlierAttempts(err, job.lost);
      } else if (results != null) {
        results = LostBatches.countAttempts(results, job.attempt);
      }
    }
    if (err != null && batchOptions.collect() && !isAborting()) {
      // collecting: a lost batch (a dead worker, an unreadable result) is its tasks' outcome
      Throwable cause = err instanceof org.joblib4j.spi.BatchTaskException ? err.getCause() : err;
      List<Object> failures = new ArrayList<>(job.batch.size());
      for (int i = 0; i < job.batch.size(); i++) {
        failures.add(
            new org.joblib4j.spi.TaskFailure(job.batch.firstIndex() + i, cause, "a lost batch"));
      }
      results = failures;
      bytes = 0;
      err = null;
    }
    if (err == null && (results == null || results.size() != job.batch.size())) {
      err =
          new IllegalStateException(
              backend.getClass().getSimpleName()
                  + " returned "
                  + (results == null ? "null" : results.size() + " results")
                  + " for a batch of "
                  + job.batch.size()
                  + " tasks");
    }
    boolean becomeDispatcher = false;
    boolean firstFailure = false;
    lock.lock();
    try {
      if (job.done) {
        return;
      }
      // a batch that fails after the call's first failure was stopped by it: no failure of its own
      job.events.end(sentBytes, bytes, results, err, aborting);
      job.done = true;
      running--;
      if (err != null) {
        if (!aborting) {
          failure = err;
          aborting = true;
          firstFailure = true;
          progress.taskFailed(job.batch, err, worker);
        }
      } else if (!aborting) {
        job.results = results;
        job.bytes = bytes;
        heldBytes += bytes;
        if (bytes / job.batch.size() > bytesPerTask) {
          bytesPerTask = bytes / job.batch.size();
        }
        if (sentBytes > 0) {
          // the last batch's figure: the first batch of a call may carry a shared value inline
          sentBytesPerTask = sentBytes / job.batch.size();
        }
        completedTasks += job.batch.size();
        if (!ordered) {
          jobs.add(job);
        }
        long duration = System.nanoTime() - job.dispatchNanos;
        long perTask = duration / job.batch.size();
        if (nanosPerTask < 0 || perTask < nanosPerTask) {
          nanosPerTask = perTask;
        }
        backend.batchCompleted(job.batch.size(), duration);
        progress.batchCompleted(stateLocked(), job.batch.size());
        progress.tasksCompleted(job.batch, results, worker);
        if (iterating) {
          pendingDispatch++;
          // a dispatch waiting for room is resumed by the consumer, unless it already made room
          if (!draining && (starvedFor == 0 || fitsLocked(starvedFor))) {
            draining = true;
            becomeDispatcher = true;
          }
        }
      }
      // wake the consumer only for what it waits for: its next result, the end, or a failure
      if (aborting || !ordered || jobs.peek() == job || running == 0) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (firstFailure) {
      abort();
    } else if (becomeDispatcher) {
      drain();
    }
  }

  /**
   * Wakes the consumer after a change of the dispatch state, which it only waits on once it has
   * taken every result (to see the end) or when the call is aborting; call with the lock held.
   */
  private void signalIfNoJobLeft() {
    if (aborting || jobs.isEmpty()) {
      changed.signalAll();
    }
  }

  private void fail(Throwable t) {
    boolean first = false;
    lock.lock();
    try {
      if (!aborting) {
        failure = t;
        aborting = true;
        first = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (first) {
      abort();
    }
  }

  /** Stops dispatch and aborts the backend's work, once; returns when that abort has finished. */
  @Override
  public void abort() {
    boolean first;
    lock.lock();
    try {
      aborting = true;
      first = !abortIssued;
      abortIssued = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (first) {
      try {
        abortBackend.run();
      } finally {
        abortDone.complete(null);
      }
    } else {
      // the consumer must not go on (and start the next call) while another thread still aborts
      abortDone.join();
    }
  }

  // ------------------------------------------------------------------ retrieval

  /**
   * Waits for the next batch of results: the next in input order, or any in completion order.
   *
   * @return the results, or {@code null} when every result has been handed out
   */
  @Override
  public Chunk next() {
    releaseHeldChunk();
    Chunk chunk = null;
    lock.lock();
    try {
      while (true) {
        if (aborting) {
          throw failureToThrow();
        }
        Job head = jobs.peek();
        if (head != null && head.done) {
          jobs.poll();
          waitStartNanos = 0;
          heldByConsumer = head.batch.size();
          heldByConsumerBytes = head.bytes;
          chunk = new Chunk(head.batch.firstIndex(), head.results);
          break;
        }
        if (head == null && !iterating && !draining && pendingDispatch == 0 && running == 0) {
          return null;
        }
        await(head);
      }
    } finally {
      lock.unlock();
    }
    return chunk;
  }

  /**
   * The consumer asks for the chunk after the one it holds: that one's tasks leave the bound, and a
   * dispatch waiting for room resumes here (before the consumer waits for what it dispatches).
   */
  private void releaseHeldChunk() {
    boolean becomeDispatcher = false;
    lock.lock();
    try {
      consumedTasks += heldByConsumer;
      heldByConsumer = 0;
      heldBytes -= heldByConsumerBytes;
      heldByConsumerBytes = 0;
      if (starvedFor > 0
          && pendingDispatch > 0
          && !draining
          && !aborting
          && fitsLocked(starvedFor)) {
        draining = true;
        becomeDispatcher = true;
      }
    } finally {
      lock.unlock();
    }
    if (becomeDispatcher) {
      drain();
    }
  }

  private boolean isAborting() {
    lock.lock();
    try {
      return aborting;
    } finally {
      lock.unlock();
    }
  }

  private void await(Job head) {
    try {
      if (timeoutNanos == 0) {
        changed.await();
        return;
      }
      long now = System.nanoTime();
      long start;
      if (ordered && head != null) {
        if (head.waitStartNanos == 0) {
          head.waitStartNanos = now;
        }
        start = head.waitStartNanos;
      } else {
        if (waitStartNanos == 0) {
          waitStartNanos = now;
        }
        start = waitStartNanos;
      }
      long left = start + timeoutNanos - now;
      if (left <= 0) {
        timedOut();
      }
      changed.awaitNanos(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      aborting = true;
      lock.unlock();
      try {
        abort();
      } finally {
        lock.lock();
      }
      throw new CancellationException(
          "The thread waiting for "
              + parallel
              + " was interrupted; the call's remaining tasks were cancelled.");
    }
  }

  private void timedOut() {
    aborting = true;
    lock.unlock();
    try {
      abort();
    } finally {
      lock.lock();
    }
    String seconds = Durations.seconds(java.time.Duration.ofNanos(timeoutNanos));
    throw new ParallelTimeoutException(
        parallel
            + " timed out: no result arrived within timeout="
            + seconds
            + " s on backend '"
            + backendName
            + "'. The call's remaining tasks were cancelled.");
  }

  private RuntimeException failureToThrow() {
    Throwable f = failure;
    if (f == null) {
      return new CancellationException(parallel + " was cancelled.");
    }
    lock.unlock();
    try {
      abort();
    } finally {
      lock.lock();
    }
    return Failures.toThrow(f, backendName, parallel);
  }

  // ------------------------------------------------------------------ state

  /** joblib's counters; call with the lock held. */
  private CallState stateLocked() {
    return new CallState(
        dispatchedBatches,
        dispatchedTasks,
        completedTasks,
        iterating ? totalTasks : dispatchedTasks,
        iterating,
        completedTasks == dispatchedTasks && !(iterating || aborting));
  }

  @Override
  public CallState state() {
    lock.lock();
    try {
      return stateLocked();
    } finally {
      lock.unlock();
    }
  }

  static long resolvePreDispatch(String expression, int nJobs) {
    long n = org.joblib4j.internal.PreDispatch.evaluate(expression, nJobs);
    if (n == 0 || n < -1) {
      throw new IllegalArgumentException(
          "preDispatch must be \"all\" or a positive number of tasks, got: \""
              + expression
              + "\" = "
              + n);
    }
    return n;
  }
}
