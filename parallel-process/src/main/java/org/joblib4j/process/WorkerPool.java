package org.joblib4j.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.process.PooledWorker.State;
import org.joblib4j.process.events.WorkerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of worker JVMs: started lazily and all at once when work arrives, fed through private
 * Unix-socket channels with several batches in flight each, resized in place, and healed: a worker
 * that exits, is killed or crashes fails only the batch it was running (with its exit code or
 * signal), its queued batches go to other workers, and a replacement starts when work is waiting.
 *
 * <p>Used by the {@code loky} backend (one pool per JVM, shared by every call) and the {@code
 * multiprocessing} backend (one pool per call); public so that third-party process backends can
 * build on it.
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  /**
   * Pools still open: one JVM shutdown hook closes them, so no worker or socket folder outlives the
   * JVM.
   */
  private static final java.util.Set<WorkerPool> OPEN =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> new ArrayList<>(OPEN).forEach(WorkerPool::close),
                "joblib4j-worker-pools-shutdown"));
  }

  private final WorkerOptions options;
  private final WorkerLauncher launcher;
  private final Path dir;
  private final PoolSocket socket;
  private final Object lock = new Object();
  private final SharedValueHolds holds = new SharedValueHolds();
  private final List<PooledWorker> workers = new ArrayList<>();
  private final Map<String, PooledWorker> starting = new HashMap<>();
  private final ArrayDeque<PoolSubmission> pending = new ArrayDeque<>();
  private int size;
  private long nextId;
  private int failedStarts;
  private boolean closed;
  private boolean closing;
  private final java.util.Set<Object> activeCalls = new java.util.HashSet<>();

  /**
   * Creates an empty pool; workers start when work arrives.
   *
   * @param size the number of workers
   * @param options how workers are started
   * @param launcher what starts them
   * @throws IOException if the private socket cannot be created
   */
  public WorkerPool(int size, WorkerOptions options, WorkerLauncher launcher) throws IOException {
    if (size < 1) {
      throw new IllegalArgumentException("a worker pool needs at least one worker, got " + size);
    }
    if (WorkerLauncher.currentDepth() >= WorkerLauncher.MAX_DEPTH) {
      throw new IllegalStateException(
          "Could not spawn extra nested processes at depth superior to MAX_DEPTH="
              + WorkerLauncher.MAX_DEPTH
              + ". Nested process pools are allowed, but this JVM is already worker number "
              + WorkerLauncher.currentDepth()
              + " in a chain of worker JVMs.");
    }
    this.size = size;
    this.options = options;
    this.launcher = launcher;
    this.dir = privateDirectory();
    this.socket =
        new PoolSocket(
            dir.resolve("s"),
            options.startTimeout(),
            new PoolSocket.Joiner() {
              @Override
              public PooledWorker join(String token, FrameChannel channel) {
                return joined(token, channel);
              }

              @Override
              public void serve(PooledWorker worker) {
                flush(worker);
                dispatch();
                read(worker);
              }
            });
    OPEN.add(this);
  }

  /**
   * Creates a folder only this user can enter, in {@code java.io.tmpdir}, named after this process
   * (see {@link OwnedFolders}: a later JVM removes it if this one is killed).
   *
   * @return the new folder
   * @throws IOException if it cannot be created
   */
  public static Path privateDirectory() throws IOException {
    // the first pool of a JVM also frees the RAM that killed JVMs left in the default memmap folder
    OwnedFolders.sweepOnce(ArraySpiller.resolveBaseFolder(null), MappedArrays.FOLDER_PREFIX);
    return OwnedFolders.create(Path.of(System.getProperty("java.io.tmpdir")), "joblib4j-");
  }

  /**
   * Returns the options the workers are started with.
   *
   * @return the options
   */
  public WorkerOptions options() {
    return options;
  }

  /**
   * Returns the target number of workers.
   *
   * @return the size
   */
  public int size() {
    synchronized (lock) {
      return size;
    }
  }

  /**
   * Returns the pids of the live workers (started or starting).
   *
   * @return the pids
   */
  public List<Long> pids() {
    synchronized (lock) {
      List<Long> pids = new ArrayList<>();
      for (PooledWorker w : workers) {
        if (w.state != State.DEAD && w.process != null) {
          pids.add(w.pid());
        }
      }
      return pids;
    }
  }

  /** The pool's socket, for tests that connect to it as a stranger would. */
  Path socketPath() {
    return socket.path();
  }

  /**
   * Whether the pool was closed.
   *
   * @return true after {@link #close()}
   */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  // ------------------------------------------------------------------ submitting

  /**
   * Queues a serialized batch.
   *
   * @param call the call it belongs to (for {@link #abort})
   * @param batch the serialized batch
   * @param firstIndex the index of its first task, for error messages
   * @return its results, deserialized with the submitting thread's context class loader
   */
  public CompletableFuture<List<Object>> submit(Object call, byte[] batch, long firstIndex) {
    return submit(call, batch, firstIndex, 1);
  }

  /**
   * Queues a serialized batch of a known number of tasks (so {@code max-tasks-per-worker} is
   * honoured exactly: a worker gets no batch past its limit).
   *
   * @param call the call it belongs to (for {@link #abort})
   * @param batch the serialized batch
   * @param firstIndex the index of its first task, for error messages
   * @param tasks the number of tasks in it
   * @return its results, deserialized with the submitting thread's context class loader
   */
  public CompletableFuture<List<Object>> submit(
      Object call, byte[] batch, long firstIndex, int tasks) {
    return submit(call, new Shipment(batch, List.of()), firstIndex, tasks);
  }

  /**
   * Queues a batch that refers to shared values: each is sent once to each worker that runs one of
   * the call's batches, before the first, and released when the call ends ({@link #callEnded}).
   *
   * @param call the call it belongs to (for {@link #abort})
   * @param batch the serialized batch and the blobs it refers to
   * @param firstIndex the index of its first task, for error messages
   * @param tasks the number of tasks in it
   * @return its results, deserialized with the submitting thread's context class loader
   */
  public CompletableFuture<List<Object>> submit(
      Object call, Shipment batch, long firstIndex, int tasks) {
    PoolSubmission s;
    synchronized (lock) {
      if (closed || (closing && !activeCalls.contains(call))) {
        throw new IllegalStateException("cannot schedule new futures after shutdown");
      }
      holds.acquire(call, batch.refs());
      s =
          new PoolSubmission(
              nextId++,
              call,
              batch.bytes(),
              firstIndex,
              tasks,
              batch.refs(),
              Thread.currentThread().getContextClassLoader());
      pending.add(s);
      ensureWorkers();
    }
    dispatch();
    return s.future;
  }

  /**
   * Starts the missing workers now, before any work is queued, so their JVM start-up overlaps the
   * caller's first serialization (a call about to submit does this at configure time).
   */
  public void prestart() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      long live = workers.stream().filter(PooledWorker::isLive).count();
      for (long i = live; i < size; i++) {
        spawn();
      }
    }
  }

  /** Starts workers up to the pool size while work is waiting. Called with the lock held. */
  private void ensureWorkers() {
    if (!pending.isEmpty()) {
      restoreStrength();
    }
  }

  /**
   * Starts workers up to the pool's size even with no work waiting: the next call finds them warm.
   */
  private void restoreStrength() {
    if (closed) {
      return;
    }
    long live = workers.stream().filter(PooledWorker::isLive).count();
    for (long i = live; i < size; i++) {
      spawn();
    }
  }

  private void spawn() {
    PooledWorker w = new PooledWorker();
    try {
      w.process = launcher.launch(options, socket.path(), w.token, dir);
    } catch (IOException e) {
      failPending(
          new WorkerTerminatedException("Could not start a worker JVM: " + e.getMessage(), e));
      return;
    }
    w.spawnNanos = System.nanoTime();
    workers.add(w);
    starting.put(w.token, w);
    long pid = w.process.pid();
    OutputPump.start(
        w.process.getInputStream(),
        () -> System.out,
        () -> System.err,
        "joblib4j-worker-" + pid + "-stdout");
    w.stderr =
        OutputPump.start(
            w.process.getErrorStream(), () -> System.err, "joblib4j-worker-" + pid + "-stderr");
    w.process.onExit().thenRun(() -> died(w));
    CompletableFuture.delayedExecutor(
            options.startTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> startTimedOut(w));
  }

  /**
   * A worker JVM that has not connected within the start timeout is killed; when no other worker is
   * ready, the queued work fails (nothing else would run it).
   */
  private void startTimedOut(PooledWorker w) {
    WorkerTerminatedException error =
        WorkerFailures.didNotConnect(
            w.pid(),
            options.startTimeout(),
            launcher.command(options, socket.path(), "<token>", dir),
            w.stderr.tail());
    synchronized (lock) {
      if (w.state != State.STARTING || closed) {
        return;
      }
      w.killed = true;
      starting.remove(w.token);
      if (workers.stream().anyMatch(o -> o.state == State.READY)) {
        LOG.warn("{}", error.getMessage());
      } else {
        failPending(error);
      }
    }
    kill(w, true);
  }

  /** Hands queued batches to ready workers, fewest in flight first, in order per worker. */
  private void dispatch() {
    List<PooledWorker> toFlush = new ArrayList<>();
    synchronized (lock) {
      List<PooledWorker> ready = new ArrayList<>();
      for (PooledWorker w : workers) {
        if (w.state == State.READY) {
          ready.add(w);
        }
      }
      ready.sort(Comparator.comparingInt(w -> w.inFlight.size()));
      boolean assigned = true;
      while (!pending.isEmpty() && assigned) {
        assigned = false;
        for (PooledWorker w : ready) {
          if (pending.isEmpty()) {
            break;
          }
          if (w.state == State.READY && w.inFlight.size() < options.maxInFlight()) {
            PoolSubmission s = pending.poll();
            if (s.future.isDone()) {
              assigned = true;
              continue;
            }
            w.inFlight.put(s.id, s);
            w.tasksAssigned += s.tasks;
            if (options.maxTasksPerWorker() > 0 && w.tasksAssigned >= options.maxTasksPerWorker()) {
              // its limit is reached with this batch: no more work; it exits once done, and its
              // replacement starts now
              w.state = State.RETIRING;
              ensureWorkers();
            }
            for (SharedBlob b : s.refs) {
              if (w.blobs.add(b.sha())) {
                w.outbox.add(new Frame(Frame.SHARE, 0, b.framePayload()));
                TransferCounters.SHARED_VALUES_SENT.increment();
              }
            }
            w.outbox.add(new Frame(Frame.BATCH, s.id, s.bytes));
            s.sentNanos = System.nanoTime();
            if (!toFlush.contains(w)) {
              toFlush.add(w);
            }
            assigned = true;
          }
        }
      }
    }
    for (PooledWorker w : toFlush) {
      flush(w);
    }
  }

  /** Sends a worker's queued frames in order; a broken channel kills the worker. */
  private void flush(PooledWorker w) {
    synchronized (w.sendLock) {
      while (true) {
        Frame f;
        synchronized (lock) {
          f = w.outbox.poll();
        }
        if (f == null) {
          return;
        }
        try {
          w.channel.send(f);
          TransferCounters.BYTES_SENT.add(f.payload().length);
        } catch (IOException | RuntimeException e) {
          kill(w, false);
          return;
        }
      }
    }
  }

  private void send(PooledWorker w, Frame f) {
    synchronized (lock) {
      w.outbox.add(f);
    }
    flush(w);
  }

  // ------------------------------------------------------------------ worker events

  /** A connection said hello with a token: the starting worker it belongs to becomes ready. */
  private PooledWorker joined(String token, FrameChannel channel) {
    synchronized (lock) {
      PooledWorker w = starting.remove(token);
      if (w == null || w.state != State.STARTING) {
        return null;
      }
      w.channel = channel;
      w.state = State.READY;
      w.reader = Thread.currentThread();
      LOG.debug(
          "PooledWorker JVM {} ready {} ms after it was started",
          w.pid(),
          (System.nanoTime() - w.spawnNanos) / 1_000_000);
      WorkerEvents.workerStarted(w.pid(), w.spawnNanos);
      failedStarts = 0;
      if (options.initializer() != null) {
        w.outbox.add(new Frame(Frame.INIT, 0, options.initializer()));
      }
      return w;
    }
  }

  private void read(PooledWorker w) {
    try {
      while (true) {
        Frame f;
        try {
          f = w.channel.receive();
        } catch (UnreadFrameException e) {
          unread(w, e.id(), e.size(), e.getCause());
          continue;
        }
        if (f == null) {
          return;
        }
        try {
          handle(w, f);
        } catch (OutOfMemoryError e) {
          // the reader lives on: only the batch this frame answered fails
          unread(w, f.id(), f.payload().length, e);
        }
      }
    } catch (IOException e) {
      // the worker is gone; died() reports it
    }
  }

  private void handle(PooledWorker w, Frame f) {
    switch (f.type()) {
      case Frame.RESULT:
        complete(w, f, false);
        break;
      case Frame.FAILURE:
        complete(w, f, true);
        break;
      case Frame.CANCELLED:
        PoolSubmission s = take(w, f.id());
        if (s != null) {
          s.future.completeExceptionally(new CancellationException("cancelled before it started"));
        }
        dispatch();
        break;
      case Frame.IDLE:
        idle(w);
        break;
      case Frame.RETIRE:
        retire(w, new String(f.payload(), StandardCharsets.UTF_8));
        break;
      case Frame.INIT_FAILED:
        initFailed(w, f);
        break;
      case Frame.HALTING:
        synchronized (lock) {
          w.state = State.EXITING;
        }
        break;
      default:
        break;
    }
  }

  /**
   * A worker's answer this JVM had no memory for: its batch fails, naming its tasks and the size.
   */
  private void unread(PooledWorker w, long id, long size, Throwable oom) {
    PoolSubmission s = take(w, id);
    dispatch();
    if (s != null) {
      s.future.completeExceptionally(TooLargeResults.failure(s.firstIndex, s.tasks, size, oom));
    }
  }

  private PoolSubmission take(PooledWorker w, long id) {
    PoolSubmission s;
    synchronized (lock) {
      s = w.inFlight.remove(id);
      if (w.state == State.RETIRING && w.inFlight.isEmpty()) {
        exitWorker(w);
      }
      if (w.state == State.RETIRING) {
        ensureWorkers();
      }
    }
    return s;
  }

  /**
   * Says a call is about to submit batches (its own batches are accepted even while the pool is
   * being replaced).
   *
   * @param call the call
   */
  public void callStarted(Object call) {
    synchronized (lock) {
      activeCalls.add(call);
    }
  }

  /**
   * Says a call is over; a pool being replaced closes when its last call ends.
   *
   * @param call the call
   */
  public void callEnded(Object call) {
    boolean closeNow;
    List<PooledWorker> toFlush;
    synchronized (lock) {
      activeCalls.remove(call);
      closeNow = closing && activeCalls.isEmpty();
      toFlush = holds.release(call, workers);
    }
    toFlush.forEach(this::flush);
    if (closeNow) {
      close();
    }
  }

  /**
   * Holds shared values for an owner that outlives one call (a {@code Parallel}'s {@code scatter}):
   * they are sent to each worker on demand, like a call's, until {@link #release}.
   *
   * @param owner who holds them
   * @param values the blobs
   */
  public void acquire(Object owner, java.util.Collection<SharedBlob> values) {
    synchronized (lock) {
      holds.acquire(owner, values);
    }
  }

  /**
   * Releases what an owner held: workers drop the values nobody else holds.
   *
   * @param owner a call or a holder given to {@link #acquire}
   */
  public void release(Object owner) {
    List<PooledWorker> toFlush;
    synchronized (lock) {
      toFlush = holds.release(owner, workers);
    }
    toFlush.forEach(this::flush);
  }

  /**
   * Refuses new calls and closes the pool once the calls it serves have ended (loky replaces its
   * executor this way when worker options change while other calls run).
   */
  public void closeWhenIdle() {
    boolean closeNow;
    synchronized (lock) {
      closing = true;
      closeNow = activeCalls.isEmpty();
    }
    if (closeNow) {
      close();
    }
  }

  private void complete(PooledWorker w, Frame f, boolean failure) {
    PoolSubmission s = take(w, f.id());
    dispatch();
    if (s == null || s.future.isDone()) {
      return;
    }
    WorkerEvents.workerBatch(w.pid(), s.firstIndex, s.tasks, s.submittedNanos, s.sentNanos);
    BatchAnswers.settle(s, w.pid(), f.payload(), failure);
  }

  private void idle(PooledWorker w) {
    synchronized (lock) {
      if (w.state == State.READY && w.inFlight.isEmpty() && pending.isEmpty()) {
        exitWorker(w);
      }
    }
  }

  private void retire(PooledWorker w, String reason) {
    if (reason.startsWith("Memory leak detected")) {
      LOG.warn("{}: shutting down worker {} and starting a new one.", reason, w.pid());
    } else {
      LOG.info("Replacing worker JVM {}: {}.", w.pid(), reason);
    }
    synchronized (lock) {
      if (w.state == State.READY) {
        w.state = State.RETIRING;
        if (w.inFlight.isEmpty()) {
          exitWorker(w);
        }
      }
      ensureWorkers();
    }
    dispatch();
  }

  private void initFailed(PooledWorker w, Frame f) {
    Throwable cause;
    try {
      cause = (Throwable) BatchAnswers.read(w.pid(), f.payload(), getClass().getClassLoader());
    } catch (Exception | LinkageError e) {
      cause = e;
    }
    IllegalStateException error =
        new IllegalStateException(
            "The worker initializer failed in worker JVM " + w.pid() + ": " + cause, cause);
    List<PoolSubmission> held;
    synchronized (lock) {
      w.state = State.EXITING;
      failPending(error);
      held = new ArrayList<>(w.inFlight.values());
      w.inFlight.clear();
    }
    // completions re-enter the engine, which may call back in here: never under the lock
    for (PoolSubmission s : held) {
      s.future.completeExceptionally(error);
    }
  }

  /** Asks a worker to exit; called with the lock held. */
  private void exitWorker(PooledWorker w) {
    w.state = State.EXITING;
    w.outbox.add(Frame.of(Frame.EXIT, 0));
    PooledWorker target = w;
    CompletableFuture.runAsync(() -> flush(target));
  }

  private void died(PooledWorker w) {
    int status = w.process.exitValue();
    Thread reader;
    synchronized (lock) {
      reader = w.reader;
    }
    if (reader != null && reader != Thread.currentThread()) {
      // read what the worker said before it went (a result, or that it exits on purpose)
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<PoolSubmission> requeue = new ArrayList<>();
    PoolSubmission failed = null;
    WorkerTerminatedException error = null;
    synchronized (lock) {
      State was = w.state;
      w.state = State.DEAD;
      WorkerEvents.workerExited(w.pid(), w.exitCause(was), status);
      workers.remove(w);
      starting.remove(w.token);
      Iterator<PoolSubmission> it = w.inFlight.values().iterator();
      if (was == State.STARTING && !w.killed && !closed) {
        failedStarts++;
        if (failedStarts >= 2 || pending.isEmpty()) {
          failPending(
              WorkerFailures.exitedBeforeStart(
                  status,
                  launcher.command(options, socket.path(), "<token>", dir),
                  w.stderr.tail()));
        }
      } else if (it.hasNext() && !w.killed && was != State.EXITING && !closed) {
        failed = it.next();
        it.remove();
        error = WorkerFailures.unexpectedlyTerminated(w.pid(), status, dir);
      }
      while (it.hasNext()) {
        PoolSubmission s = it.next();
        if (!s.future.isDone()) {
          requeue.add(s);
        }
      }
      w.inFlight.clear();
      for (int i = requeue.size() - 1; i >= 0; i--) {
        pending.addFirst(requeue.get(i));
      }
      if (!closed && failedStarts < 2) {
        if (w.abortedCall && !closing) {
          restoreStrength();
        } else {
          ensureWorkers();
        }
      }
    }
    if (failed != null) {
      failed.future.completeExceptionally(error);
    }
    if (w.channel != null) {
      w.channel.close();
    }
    dispatch();
  }

  // ------------------------------------------------------------------ control

  /**
   * Cancels a call's work: its queued batches are dropped, batches queued on a worker behind
   * another call's are cancelled there, and workers running one of its batches are killed (their
   * other calls' queued batches go to other workers). Other calls are not disturbed.
   *
   * @param call the call
   */
  public void abort(Object call) {
    List<PoolSubmission> dropped = new ArrayList<>();
    List<PooledWorker> toKill = new ArrayList<>();
    List<PooledWorker> toFlush = new ArrayList<>();
    synchronized (lock) {
      pending.removeIf(
          s -> {
            if (s.call == call) {
              dropped.add(s);
              return true;
            }
            return false;
          });
      for (PooledWorker w : workers) {
        boolean head = true;
        for (PoolSubmission s : w.inFlight.values()) {
          if (s.call == call) {
            if (head) {
              toKill.add(w);
              break;
            }
            w.outbox.add(Frame.of(Frame.CANCEL, s.id));
            if (!toFlush.contains(w)) {
              toFlush.add(w);
            }
          }
          head = false;
        }
        if (toKill.contains(w)) {
          for (PoolSubmission s : w.inFlight.values()) {
            if (s.call == call) {
              dropped.add(s);
            }
          }
        }
      }
    }
    CancellationException cancelled = new CancellationException("the call was aborted");
    for (PoolSubmission s : dropped) {
      s.future.completeExceptionally(cancelled);
    }
    for (PooledWorker w : toKill) {
      synchronized (lock) {
        w.abortedCall = true;
      }
      kill(w, true);
    }
    for (PooledWorker w : toFlush) {
      flush(w);
    }
  }

  private void kill(PooledWorker w, boolean deliberate) {
    synchronized (lock) {
      w.killed = w.killed || deliberate;
    }
    w.destroy();
  }

  /**
   * Changes the number of workers: more start when work waits; surplus ones finish what they hold,
   * then exit.
   *
   * @param newSize the new size
   */
  public void resize(int newSize) {
    if (newSize < 1) {
      throw new IllegalArgumentException("a worker pool needs at least one worker, got " + newSize);
    }
    synchronized (lock) {
      size = newSize;
      List<PooledWorker> live = new ArrayList<>();
      for (PooledWorker w : workers) {
        if (w.isLive()) {
          live.add(w);
        }
      }
      // the idle go first, and of those the least used: a JVM that ran more tasks has loaded
      // and compiled more of them (loky retires any)
      live.sort(
          Comparator.comparingInt((PooledWorker w) -> w.inFlight.size())
              .thenComparingLong(w -> w.tasksAssigned));
      for (int i = 0; i < live.size() - newSize; i++) {
        PooledWorker w = live.get(i);
        if (w.state == State.STARTING) {
          kill(w, true);
        } else {
          w.state = State.RETIRING;
          if (w.inFlight.isEmpty()) {
            exitWorker(w);
          }
        }
      }
      ensureWorkers();
    }
    dispatch();
  }

  private void failPending(Throwable error) {
    List<PoolSubmission> failed = new ArrayList<>(pending);
    pending.clear();
    // complete on another thread: completions re-enter the engine, which may call back in here
    CompletableFuture.runAsync(() -> failed.forEach(s -> s.future.completeExceptionally(error)));
  }

  /**
   * Kills every worker, fails what is queued, and deletes the pool's private folder. Idempotent.
   */
  @Override
  public void close() {
    closeAsync().join();
  }

  /**
   * Closes the pool without waiting for the killed workers to be reaped: every worker has been sent
   * SIGKILL and the queued work has failed when this returns; the returned future completes once
   * they have exited and the pool's private folder is deleted. Idempotent.
   *
   * @return completes when the workers are gone and the folder is deleted
   */
  public CompletableFuture<Void> closeAsync() {
    List<PooledWorker> all;
    List<PoolSubmission> held = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.completedFuture(null);
      }
      closed = true;
      OPEN.remove(this);
      failPending(
          new CancellationException("The executor was shut down before this job could complete."));
      all = new ArrayList<>(workers);
      // taken under the lock: a killed worker's reader and exit handler change its batches
      for (PooledWorker w : all) {
        held.addAll(w.inFlight.values());
      }
    }
    for (PooledWorker w : all) {
      kill(w, true);
    }
    for (PoolSubmission s : held) {
      s.future.completeExceptionally(
          new CancellationException("The executor was shut down before this job could complete."));
    }
    socket.close();
    CompletableFuture<?>[] exits =
        all.stream().map(w -> w.process.onExit()).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(exits)
        .completeOnTimeout(null, 5, java.util.concurrent.TimeUnit.SECONDS)
        .handle(
            (ignored, error) -> {
              // killed ones the OS reaps; crash reports go with the folder
              try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
              } catch (IOException e) {
                // already gone
              }
              return null;
            });
  }
}
