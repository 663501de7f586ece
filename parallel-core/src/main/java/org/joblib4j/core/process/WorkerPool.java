package org.joblib4j.core.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.core.events.EngineEvents;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.ReceivedResults;
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
  private final Path socketPath;
  private final ServerSocketChannel server;
  private final Object lock = new Object();
  private final List<Worker> workers = new ArrayList<>();
  private final Map<String, Worker> starting = new HashMap<>();
  private final ArrayDeque<Submission> pending = new ArrayDeque<>();
  private int size;
  private long nextId;
  private int failedStarts;
  private boolean closed;
  private boolean closing;
  private final java.util.Set<Object> activeCalls = new java.util.HashSet<>();

  /** The shared values some call or {@code scatter} still uses, by name, with who holds them. */
  private final Map<String, HeldBlob> blobs = new HashMap<>();

  /** A shared value and the calls (or scattering backends) that still refer to it. */
  private static final class HeldBlob {
    final SharedBlob blob;
    final java.util.Set<Object> owners = new java.util.HashSet<>();

    HeldBlob(SharedBlob blob) {
      this.blob = blob;
    }
  }

  /** A batch on its way: queued, then in flight on one worker. */
  private static final class Submission {
    final long id;
    final Object call;
    final byte[] bytes;
    final long firstIndex;
    final int tasks;
    final List<SharedBlob> refs;
    final ClassLoader loader;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    final long submittedNanos = System.nanoTime();

    /** When it was handed to a worker (for its JFR event). */
    long sentNanos;

    Submission(
        long id,
        Object call,
        byte[] bytes,
        long firstIndex,
        int tasks,
        List<SharedBlob> refs,
        ClassLoader loader) {
      this.id = id;
      this.call = call;
      this.bytes = bytes;
      this.firstIndex = firstIndex;
      this.tasks = tasks;
      this.refs = refs;
      this.loader = loader;
    }
  }

  private enum State {
    STARTING,
    READY,
    RETIRING,
    EXITING,
    DEAD
  }

  private final class Worker {
    final String token = UUID.randomUUID().toString();
    final LinkedHashMap<Long, Submission> inFlight = new LinkedHashMap<>();
    final ArrayDeque<Frame> outbox = new ArrayDeque<>();

    /** The shared values sent to it and not released since. */
    final java.util.Set<String> blobs = new java.util.HashSet<>();

    final Object sendLock = new Object();
    Process process;
    FrameChannel channel;
    OutputPump stderr;
    State state = State.STARTING;
    boolean killed;

    /**
     * Killed to stop an aborted call's task: replaced at once, as joblib's
     * abort_everything(ensure_ready=True) does.
     */
    boolean abortedCall;

    long spawnNanos;
    long tasksAssigned;
    Thread reader;

    long pid() {
      return process == null ? -1 : process.pid();
    }
  }

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
    this.socketPath = dir.resolve("s");
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socketPath));
    Thread acceptor = new Thread(this::accept, "joblib4j-pool-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
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
      for (Worker w : workers) {
        if (w.state != State.DEAD && w.process != null) {
          pids.add(w.pid());
        }
      }
      return pids;
    }
  }

  /** The pool's socket, for tests that connect to it as a stranger would. */
  Path socketPath() {
    return socketPath;
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
    Submission s;
    synchronized (lock) {
      if (closed || (closing && !activeCalls.contains(call))) {
        throw new IllegalStateException("cannot schedule new futures after shutdown");
      }
      for (SharedBlob b : batch.refs()) {
        blobs.computeIfAbsent(b.sha(), k -> new HeldBlob(b)).owners.add(call);
      }
      s =
          new Submission(
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
      long live =
          workers.stream().filter(w -> w.state == State.STARTING || w.state == State.READY).count();
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
    long live =
        workers.stream().filter(w -> w.state == State.STARTING || w.state == State.READY).count();
    for (long i = live; i < size; i++) {
      spawn();
    }
  }

  private void spawn() {
    Worker w = new Worker();
    try {
      w.process = launcher.launch(options, socketPath, w.token, dir);
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
  private void startTimedOut(Worker w) {
    long millis = options.startTimeout().toMillis();
    WorkerTerminatedException error =
        new WorkerTerminatedException(
            "A worker JVM (pid "
                + w.pid()
                + ") did not connect within "
                + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms")
                + " of its start (worker-start-timeout), so it was killed (command: "
                + String.join(" ", launcher.command(options, socketPath, "<token>", dir))
                + "). Its last output:\n"
                + w.stderr.tail());
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
    List<Worker> toFlush = new ArrayList<>();
    synchronized (lock) {
      List<Worker> ready = new ArrayList<>();
      for (Worker w : workers) {
        if (w.state == State.READY) {
          ready.add(w);
        }
      }
      ready.sort(Comparator.comparingInt(w -> w.inFlight.size()));
      boolean assigned = true;
      while (!pending.isEmpty() && assigned) {
        assigned = false;
        for (Worker w : ready) {
          if (pending.isEmpty()) {
            break;
          }
          if (w.state == State.READY && w.inFlight.size() < options.maxInFlight()) {
            Submission s = pending.poll();
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
    for (Worker w : toFlush) {
      flush(w);
    }
  }

  /** Sends a worker's queued frames in order; a broken channel kills the worker. */
  private void flush(Worker w) {
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

  private void send(Worker w, Frame f) {
    synchronized (lock) {
      w.outbox.add(f);
    }
    flush(w);
  }

  // ------------------------------------------------------------------ worker events

  /** A worker's hello carries only its token: anything longer is not a worker of this pool. */
  static final long HANDSHAKE_MAX_FRAME = 4096;

  /**
   * Accepts connections; each one's handshake and frames are read on a thread of its own, so a
   * client that connects and sends nothing cannot keep other workers from joining.
   */
  private void accept() {
    while (true) {
      SocketChannel socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      } catch (RuntimeException | OutOfMemoryError e) {
        LOG.warn("The worker pool could not accept a connection: {}", e.toString());
        continue;
      }
      try {
        Thread t = new Thread(() -> join(socket), "joblib4j-pool-handshake");
        t.setDaemon(true);
        t.start();
      } catch (RuntimeException | OutOfMemoryError e) { // no thread for it: the worker is refused
        LOG.warn("The worker pool could not read a connection's handshake: {}", e.toString());
        close(socket);
      }
    }
  }

  /**
   * Reads a connection's handshake (closed if none comes within the start timeout), then its
   * frames.
   */
  private void join(SocketChannel socket) {
    FrameChannel channel = new FrameChannel(socket);
    java.util.concurrent.atomic.AtomicBoolean greeted =
        new java.util.concurrent.atomic.AtomicBoolean();
    CompletableFuture.delayedExecutor(
            options.startTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (greeted.compareAndSet(false, true)) {
                channel.close(); // silent: not a worker of this pool
              }
            });
    Worker w;
    try {
      Frame hello = channel.receive(HANDSHAKE_MAX_FRAME);
      if (!greeted.compareAndSet(false, true) || hello == null || hello.type() != Frame.HELLO) {
        channel.close();
        return;
      }
      String token = new String(hello.payload(), StandardCharsets.UTF_8);
      synchronized (lock) {
        w = starting.remove(token);
        if (w == null || w.state != State.STARTING) {
          channel.close();
          return;
        }
        w.channel = channel;
        w.state = State.READY;
        w.reader = Thread.currentThread();
        LOG.debug(
            "Worker JVM {} ready {} ms after it was started",
            w.pid(),
            (System.nanoTime() - w.spawnNanos) / 1_000_000);
        EngineEvents.workerStarted(w.pid(), w.spawnNanos);
        failedStarts = 0;
        if (options.initializer() != null) {
          w.outbox.add(new Frame(Frame.INIT, 0, options.initializer()));
        }
      }
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      LOG.debug("A worker's handshake failed", e); // not a worker of this pool: dropped
      channel.close();
      return;
    }
    Thread.currentThread().setName("joblib4j-worker-" + w.pid() + "-reader");
    flush(w);
    dispatch();
    read(w);
  }

  private static void close(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // refused anyway
    }
  }

  private void read(Worker w) {
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

  private void handle(Worker w, Frame f) {
    switch (f.type()) {
      case Frame.RESULT:
        complete(w, f, false);
        break;
      case Frame.FAILURE:
        complete(w, f, true);
        break;
      case Frame.CANCELLED:
        Submission s = take(w, f.id());
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
  private void unread(Worker w, long id, long size, Throwable oom) {
    Submission s = take(w, id);
    dispatch();
    if (s != null) {
      s.future.completeExceptionally(TooLargeResults.failure(s.firstIndex, s.tasks, size, oom));
    }
  }

  private Submission take(Worker w, long id) {
    Submission s;
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
    List<Worker> toFlush;
    synchronized (lock) {
      activeCalls.remove(call);
      closeNow = closing && activeCalls.isEmpty();
      toFlush = releaseLocked(call);
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
      for (SharedBlob b : values) {
        blobs.computeIfAbsent(b.sha(), k -> new HeldBlob(b)).owners.add(owner);
      }
    }
  }

  /**
   * Releases what an owner held: workers drop the values nobody else holds.
   *
   * @param owner a call or a holder given to {@link #acquire}
   */
  public void release(Object owner) {
    List<Worker> toFlush;
    synchronized (lock) {
      toFlush = releaseLocked(owner);
    }
    toFlush.forEach(this::flush);
  }

  /** Drops an owner's hold on its blobs; returns the workers told to drop some. Lock held. */
  private List<Worker> releaseLocked(Object owner) {
    List<Worker> told = new ArrayList<>();
    for (Iterator<HeldBlob> it = blobs.values().iterator(); it.hasNext(); ) {
      HeldBlob h = it.next();
      if (!h.owners.remove(owner) || !h.owners.isEmpty()) {
        continue;
      }
      it.remove();
      for (Worker w : workers) {
        if (w.blobs.remove(h.blob.sha()) && w.state != State.DEAD && w.state != State.EXITING) {
          w.outbox.add(new Frame(Frame.UNSHARE, 0, h.blob.namePayload()));
          if (!told.contains(w)) {
            told.add(w);
          }
        }
      }
    }
    return told;
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

  private void complete(Worker w, Frame f, boolean failure) {
    Submission s = take(w, f.id());
    dispatch();
    if (s == null || s.future.isDone()) {
      return;
    }
    EngineEvents.workerBatch(w.pid(), s.firstIndex, s.tasks, s.submittedNanos, s.sentNanos);
    Object value;
    try {
      value = deserialize(w, f.payload(), s.loader);
    } catch (OutOfMemoryError e) {
      s.future.completeExceptionally(
          TooLargeResults.failure(s.firstIndex, s.tasks, f.payload().length, e));
      return;
    } catch (Exception | LinkageError e) {
      s.future.completeExceptionally(
          failure
              ? SerializationDiagnostics.unreadableException(s.firstIndex, e)
              : SerializationDiagnostics.unreadableResults(s.firstIndex, e));
      return;
    }
    if (!failure) {
      @SuppressWarnings("unchecked")
      List<Object> results = (List<Object>) value;
      // their size as received: the engine's read-ahead bound in bytes
      s.future.complete(
          new ReceivedResults(results, f.payload().length, s.bytes.length, "pid " + w.pid()));
    } else if (value instanceof BatchTaskException) {
      s.future.completeExceptionally((BatchTaskException) value);
    } else {
      Throwable cause = (Throwable) value;
      s.future.completeExceptionally(
          SerializationDiagnostics.unreadableBatch(
              s.firstIndex, "worker JVM " + w.pid(), "the worker's classpath", cause));
    }
  }

  /** What a worker sends back, read through the configured {@link DeserializationFilter}. */
  private static Object deserialize(Worker w, byte[] bytes, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    return ResultsCodec.decode(
        bytes, JavaTaskSerializer.forResults(loader, "worker JVM " + w.pid()));
  }

  private void idle(Worker w) {
    synchronized (lock) {
      if (w.state == State.READY && w.inFlight.isEmpty() && pending.isEmpty()) {
        exitWorker(w);
      }
    }
  }

  private void retire(Worker w, String reason) {
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

  private void initFailed(Worker w, Frame f) {
    Throwable cause;
    try {
      cause = (Throwable) deserialize(w, f.payload(), getClass().getClassLoader());
    } catch (Exception | LinkageError e) {
      cause = e;
    }
    IllegalStateException error =
        new IllegalStateException(
            "The worker initializer failed in worker JVM " + w.pid() + ": " + cause, cause);
    List<Submission> held;
    synchronized (lock) {
      w.state = State.EXITING;
      failPending(error);
      held = new ArrayList<>(w.inFlight.values());
      w.inFlight.clear();
    }
    // completions re-enter the engine, which may call back in here: never under the lock
    for (Submission s : held) {
      s.future.completeExceptionally(error);
    }
  }

  /** Asks a worker to exit; called with the lock held. */
  private void exitWorker(Worker w) {
    w.state = State.EXITING;
    w.outbox.add(Frame.of(Frame.EXIT, 0));
    Worker target = w;
    CompletableFuture.runAsync(() -> flush(target));
  }

  private void died(Worker w) {
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
    List<Submission> requeue = new ArrayList<>();
    Submission failed = null;
    WorkerTerminatedException error = null;
    synchronized (lock) {
      State was = w.state;
      w.state = State.DEAD;
      EngineEvents.workerExited(
          w.pid(),
          w.killed
              ? "killed"
              : was == State.EXITING
                  ? "retired"
                  : was == State.STARTING ? "failed to start" : "died",
          status);
      workers.remove(w);
      starting.remove(w.token);
      Iterator<Submission> it = w.inFlight.values().iterator();
      if (was == State.STARTING && !w.killed && !closed) {
        failedStarts++;
        if (failedStarts >= 2 || pending.isEmpty()) {
          failPending(
              new WorkerTerminatedException(
                  "A worker JVM exited with "
                      + ExitCodes.format(status)
                      + " before it could start"
                      + " (command: "
                      + String.join(" ", launcher.command(options, socketPath, "<token>", dir))
                      + "). Its last output:\n"
                      + w.stderr.tail()));
        }
      } else if (it.hasNext() && !w.killed && was != State.EXITING && !closed) {
        failed = it.next();
        it.remove();
        error = terminated(w, status);
      }
      while (it.hasNext()) {
        Submission s = it.next();
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

  private WorkerTerminatedException terminated(Worker w, int status) {
    Path hsErr = dir.resolve("hs_err_pid" + w.pid() + ".log");
    String crash =
        Files.exists(hsErr)
            ? "\nThe worker JVM wrote a crash report: "
                + hsErr
                + " (kept until the pool shuts down).\n"
            : "\n";
    return new WorkerTerminatedException(
        "A worker process managed by the executor was unexpectedly terminated. This could be caused"
            + " by a segmentation fault while calling the function or by an excessive memory usage"
            + " causing the Operating System to kill the worker.\n\nThe exit codes of the workers"
            + " are {"
            + ExitCodes.format(status)
            + "}\n"
            + "The worker was JVM pid "
            + w.pid()
            + "; its output was forwarded to this process's"
            + " stderr."
            + crash
            + "Likely causes: the task called System.exit or Runtime.halt, native code crashed, or"
            + " the OS killed the worker (out of memory, or a kill signal).");
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
    List<Submission> dropped = new ArrayList<>();
    List<Worker> toKill = new ArrayList<>();
    List<Worker> toFlush = new ArrayList<>();
    synchronized (lock) {
      pending.removeIf(
          s -> {
            if (s.call == call) {
              dropped.add(s);
              return true;
            }
            return false;
          });
      for (Worker w : workers) {
        boolean head = true;
        for (Submission s : w.inFlight.values()) {
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
          for (Submission s : w.inFlight.values()) {
            if (s.call == call) {
              dropped.add(s);
            }
          }
        }
      }
    }
    CancellationException cancelled = new CancellationException("the call was aborted");
    for (Submission s : dropped) {
      s.future.completeExceptionally(cancelled);
    }
    for (Worker w : toKill) {
      synchronized (lock) {
        w.abortedCall = true;
      }
      kill(w, true);
    }
    for (Worker w : toFlush) {
      flush(w);
    }
  }

  private void kill(Worker w, boolean deliberate) {
    synchronized (lock) {
      w.killed = w.killed || deliberate;
    }
    Process p = w.process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
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
      List<Worker> live = new ArrayList<>();
      for (Worker w : workers) {
        if (w.state == State.READY || w.state == State.STARTING) {
          live.add(w);
        }
      }
      // the idle go first, and of those the least used: a JVM that ran more tasks has loaded
      // and compiled more of them (loky retires any)
      live.sort(
          Comparator.comparingInt((Worker w) -> w.inFlight.size())
              .thenComparingLong(w -> w.tasksAssigned));
      for (int i = 0; i < live.size() - newSize; i++) {
        Worker w = live.get(i);
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
    List<Submission> failed = new ArrayList<>(pending);
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
    List<Worker> all;
    List<Submission> held = new ArrayList<>();
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
      for (Worker w : all) {
        held.addAll(w.inFlight.values());
      }
    }
    for (Worker w : all) {
      kill(w, true);
    }
    for (Submission s : held) {
      s.future.completeExceptionally(
          new CancellationException("The executor was shut down before this job could complete."));
    }
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
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
