package org.joblib4j.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.joblib4j.Task;
import org.joblib4j.internal.WorkerTaskThread;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;

/**
 * The entry point of a worker JVM: connects to its parent's private socket, runs batches one after
 * the other, and exits when told, when idle for too long (after asking), or at once when its parent
 * is gone (no orphans).
 *
 * <p>Two threads take turns (leader/follower): one reads the channel while the other runs batches.
 * The thread that reads a batch while none runs starts it at once, after handing the reading over
 * to the other thread; so an idle worker starts a batch without a thread hand-off, and a running
 * batch never keeps the worker from seeing {@code CANCEL} and {@code EXIT} (or the next batch,
 * queued behind it).
 *
 * <p>Arguments: the socket path, the handshake token, the parent's pid. Tuning comes as system
 * properties {@code joblib4j.worker.*} set by {@link WorkerLauncher}.
 */
public final class WorkerMain {
  static final String IDLE_TIMEOUT_MS = "joblib4j.worker.idle-timeout-ms";
  static final String MAX_TASKS = "joblib4j.worker.max-tasks";
  static final String LEAK_BYTES = "joblib4j.worker.leak-bytes";
  static final String LEAK_CHECK_MS = "joblib4j.worker.leak-check-ms";

  /** The first argument of a spare worker (see {@link WorkerLauncher#launchSpare}). */
  static final String SPARE_ARGUMENT = "--spare";

  /**
   * How long a worker has had no work before it warms its task path: long enough that the caller's
   * next call, or its own work between calls, seldom meets the warm-up's CPU.
   */
  static final long WARM_UP_QUIET_MS = 1000;

  private static boolean parentWatched;

  private final FrameChannel channel;

  /** The memory-mapped arrays of the calls this worker serves, let go when their calls end. */
  private final MappedArrays arrays = MappedArrays.forWorker();

  private final JavaTaskSerializer serializer =
      JavaTaskSerializer.forWorker(WorkerMain.class.getClassLoader(), arrays);

  /** Guards the fields below; waited on by the thread that waits for the reading role. */
  private final Object turn = new Object();

  private final ArrayDeque<Frame> inbox = new ArrayDeque<>();
  private boolean reading;
  private boolean running;
  private long lastActivityNanos = System.nanoTime();
  private boolean askedToExit;
  private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
  private final long idleTimeoutMs = Long.getLong(IDLE_TIMEOUT_MS, 300_000L);
  private final long maxTasks = Long.getLong(MAX_TASKS, 0L);
  private final long leakBytes = Long.getLong(LEAK_BYTES, 300L * 1024 * 1024);
  private final long leakCheckMs = Long.getLong(LEAK_CHECK_MS, 1000L);
  private long tasksDone;
  private long heapBaseline = -1;
  private long lastLeakCheck;
  private boolean retiring;

  private WorkerMain(FrameChannel channel) {
    this.channel = channel;
  }

  /**
   * Runs a worker.
   *
   * @param args socket path, token, parent pid
   * @throws IOException if the parent cannot be reached
   */
  public static void main(String[] args) throws IOException {
    String spareArgument = args.length > 0 ? args[0] : null;
    if (args.length >= 2 && args[0].equals(SPARE_ARGUMENT)) {
      watchParent(Long.parseLong(args[1]));
      args = awaitAssignment(args[1], args.length > 2 ? Path.of(args[2]) : null);
    }
    if (args.length != 3) {
      System.err.println(
          "joblib4j worker: expected <socket> <token> <parent-pid>; this JVM is started by joblib4j, not by hand.");
      Runtime.getRuntime().halt(2);
    }
    long parentPid = Long.parseLong(args[2]);
    if (!parentWatched) {
      watchParent(parentPid);
    }
    SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])));
    FrameChannel channel = new FrameChannel(socket);
    channel.send(
        new Frame(
            Frame.HELLO, ProcessHandle.current().pid(), args[1].getBytes(StandardCharsets.UTF_8)));
    WorkerMain worker = new WorkerMain(channel);
    if (!SPARE_ARGUMENT.equals(spareArgument)) {
      worker.warmWhenIdle();
    }
    worker.run();
  }

  /**
   * A spare worker: does the start-up work that needs no pool ({@link #warmTaskPath}), then waits
   * for its pool's socket path and token on standard input. Exits when the input closes.
   */
  private static String[] awaitAssignment(String parentPid, Path privateDir) throws IOException {
    warmTaskPath(privateDir);
    java.io.BufferedReader in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    String socket = in.readLine();
    String token = in.readLine();
    if (socket == null || token == null) {
      ExitCodes.halt(0);
    }
    return new String[] {socket, token, parentPid};
  }

  /**
   * A spare's warm-up while it waits: its own batch of joblib4j tasks takes the whole way a pool's
   * first batch takes (a Unix socket connection, frames both ways, deserializing the batch and its
   * serializable lambdas, running it, serializing and sending the results), so the JDK classes,
   * lambda forms and serialization accessors that way needs are ready. Only joblib4j's and the
   * JDK's classes are used: no user class is loaded, so a call still gets fresh static state.
   *
   * @param privateDir the parent's private folder for its spares, where the loopback socket goes
   *     (the parent deletes it, with what a spare killed mid-warm-up leaves), or {@code null} for
   *     the temporary folder
   */
  private static void warmTaskPath(Path privateDir) {
    Path socketPath = null;
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(
          privateDir == null
              ? null
              : UnixDomainSocketAddress.of(
                  privateDir.resolve("warm-" + ProcessHandle.current().pid())));
      socketPath = ((UnixDomainSocketAddress) server.getLocalAddress()).getPath();
      try (SocketChannel workerEnd = SocketChannel.open(server.getLocalAddress());
          SocketChannel poolEnd = server.accept()) {
        FrameChannel pool = new FrameChannel(poolEnd);
        WorkerMain warm = new WorkerMain(new FrameChannel(workerEnd));
        JavaTaskSerializer serializer = new JavaTaskSerializer();
        // the compact form a pool sends for the usual batch, then the Java-serialized form of the
        // others
        byte[][] forms = {
          new BatchShipper().serialize(TaskPathWarmup.compactBatch()),
          serializer.serialize(TaskPathWarmup.javaBatch())
        };
        for (int i = 0; i < forms.length; i++) {
          pool.send(new Frame(Frame.BATCH, i + 1, forms[i]));
          warm.runBatch(warm.channel.receive());
          ResultsCodec.decode(pool.receive().payload(), serializer);
        }
      }
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      // only a warm-up
    } finally {
      if (socketPath != null) {
        try {
          Files.deleteIfExists(socketPath);
        } catch (IOException e) {
          // a leftover socket file in the temporary folder
        }
      }
    }
  }

  /**
   * A pool's worker warms its task path ({@link TaskPathWarmup}) once it has had no work for {@link
   * #WARM_UP_QUIET_MS}: a reused worker's later calls (their first Java-serialized batch, a record
   * argument) do not pay for it, and a worker kept busy from its start warms up by working. A spare
   * did it before it was taken.
   */
  private void warmWhenIdle() {
    Thread t =
        new Thread(
            () -> {
              try {
                awaitQuiet();
                TaskPathWarmup.roundTrip(
                    JavaTaskSerializer.forWorker(
                        WorkerMain.class.getClassLoader(), MappedArrays.forWorker()),
                    JavaTaskSerializer.forResults(WorkerMain.class.getClassLoader(), "a warm-up"));
              } catch (Exception | LinkageError e) {
                // only a warm-up
              }
            },
            "joblib4j-worker-warmup");
    t.setDaemon(true);
    t.start();
  }

  private void awaitQuiet() throws InterruptedException {
    synchronized (turn) {
      while (true) {
        if (running || !inbox.isEmpty()) {
          // look again a quiet period later (a batch's end does not notify)
          turn.wait(WARM_UP_QUIET_MS);
          continue;
        }
        long left =
            lastActivityNanos + TimeUnit.MILLISECONDS.toNanos(WARM_UP_QUIET_MS) - System.nanoTime();
        if (left <= 0) {
          // the warm-up's way reaches joblib4j's logging: SLF4J starts here, while no batch can
          // start, or a task asking for a logger meanwhile would get SLF4J's stand-in
          org.slf4j.LoggerFactory.getILoggerFactory();
          return;
        }
        turn.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Exits when the parent process is gone, even if the channel somehow stays open. */
  private static void watchParent(long parentPid) {
    parentWatched = true;
    Thread t =
        new Thread(
            () -> {
              ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
              if (parent == null) {
                ExitCodes.halt(0);
              }
              parent.onExit().join();
              ExitCodes.halt(0);
            },
            "joblib4j-worker-parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Whether the current thread is a worker JVM's task thread (where a nested process pool is
   * allowed, as in a loky worker's main thread).
   *
   * @return true on a worker's task thread
   */
  public static boolean isTaskThread() {
    return WorkerTaskThread.isCurrent();
  }

  private void run() {
    Thread other = new Thread(this::serve, "joblib4j-worker-reader");
    other.setDaemon(true);
    other.start();
    serve();
  }

  /**
   * One of the two threads: waits for the reading role, reads, runs what it read if nothing runs.
   */
  private void serve() {
    try {
      while (true) {
        awaitReadingRole();
        Frame first = readUntilWorkToRun();
        runFrom(first);
      }
    } catch (Throwable t) {
      // what an uncaught error in a lone main thread did: report it and end the JVM
      System.err.print("Exception in thread \"" + Thread.currentThread().getName() + "\" ");
      t.printStackTrace();
      ExitCodes.halt(1);
    }
  }

  /**
   * Waits until no thread reads; asks to exit once the worker has been idle for the idle timeout.
   */
  private void awaitReadingRole() {
    synchronized (turn) {
      while (reading) {
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        long left = lastActivityNanos + idleNanos - System.nanoTime();
        if (left <= 0 && !running && inbox.isEmpty() && !askedToExit) {
          askedToExit = true;
          send(Frame.of(Frame.IDLE, 0));
          continue;
        }
        try {
          turn.wait(
              left > 0 && !askedToExit
                  ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))
                  : idleTimeoutMs);
        } catch (InterruptedException e) {
          // a task's stray interrupt: keep serving
        }
      }
      reading = true;
    }
  }

  /**
   * Reads frames while holding the reading role: CANCEL and EXIT act at once, work for a running
   * thread queues; returns the first frame to run now, having given up the role.
   */
  private Frame readUntilWorkToRun() {
    while (true) {
      Frame f;
      try {
        // a thread that ran a task may carry the task's interrupt: it must not close the channel
        Thread.interrupted();
        f = channel.receive();
      } catch (IOException e) {
        // the parent is gone
        ExitCodes.halt(0);
        return null;
      }
      if (f == null || f.type() == Frame.EXIT) {
        ExitCodes.halt(0);
      }
      if (f.type() == Frame.CANCEL) {
        cancelled.add(f.id());
        continue;
      }
      // shared values arrive before the batches that use them, on this same channel
      if (f.type() == Frame.SHARE) {
        SharedBlobs.put(f.payload());
        continue;
      }
      if (f.type() == Frame.UNSHARE) {
        SharedBlobs.remove(f.payload());
        continue;
      }
      synchronized (turn) {
        lastActivityNanos = System.nanoTime();
        askedToExit = false;
        if (running) {
          inbox.add(f);
          continue;
        }
        running = true;
        reading = false;
        turn.notifyAll();
      }
      return f;
    }
  }

  /**
   * Runs a frame, then whatever queued behind it, then lets the next batch be run by its reader.
   */
  private void runFrom(Frame first) {
    // nested pools are allowed here, and the engine's CPU budget gives calls made in tasks this
    // worker's CPUs
    WorkerTaskThread.mark();
    Frame f = first;
    while (f != null) {
      if (f.type() == Frame.INIT) {
        initialize(f);
      } else if (f.type() == Frame.BATCH) {
        runBatch(f);
      }
      // a task's stray interrupt must not stop the next batch
      Thread.interrupted();
      synchronized (turn) {
        f = inbox.poll();
        if (f == null) {
          running = false;
          lastActivityNanos = System.nanoTime();
        }
      }
    }
  }

  private void initialize(Frame f) {
    try {
      Task<?> initializer = (Task<?>) serializer.deserialize(f.payload());
      initializer.call();
    } catch (Throwable t) {
      sendFailure(Frame.INIT_FAILED, 0, t);
      ExitCodes.halt(1);
    }
  }

  private void runBatch(Frame f) {
    long id = f.id();
    if (cancelled.remove(id)) {
      send(Frame.of(Frame.CANCELLED, id));
      return;
    }
    // the arrays of calls that ended (their folders are gone) go before this batch's are mapped
    arrays.releaseGone();
    Batch batch;
    try {
      batch = BatchCodec.decode(f.payload(), serializer);
    } catch (Throwable t) {
      sendFailure(Frame.FAILURE, id, t);
      return;
    }
    List<Object> results;
    try {
      results = batch.call(() -> false, (index, timeout) -> abandon(id, batch, index, timeout));
    } catch (BatchTaskException e) {
      sendFailure(Frame.FAILURE, id, e);
      afterBatch(batch, e.getCause());
      return;
    } catch (RuntimeException | Error e) {
      // thrown outside any task (a ContextPropagator restoring the caller's context, the nested
      // scope): still an answer, as the failure of the batch's first task, or the call would wait
      sendFailure(Frame.FAILURE, id, new BatchTaskException(batch.firstIndex(), e));
      afterBatch(batch, e);
      return;
    }
    byte[] bytes;
    try {
      bytes = ResultsCodec.encode(results, serializer);
    } catch (Throwable t) {
      // a result that cannot travel is that task's failure, not the worker's
      sendFailure(Frame.FAILURE, id, WorkerReplies.unsendable(batch, results, t, serializer));
      afterBatch(batch, null);
      return;
    }
    send(new Frame(Frame.RESULT, id, bytes));
    afterBatch(batch, null);
  }

  private void afterBatch(Batch batch, Throwable failure) {
    tasksDone += batch.size();
    if (retiring) {
      return;
    }
    if (failure instanceof OutOfMemoryError) {
      retire("its heap was exhausted (" + failure + ")");
    } else if (maxTasks > 0 && tasksDone >= maxTasks) {
      retire("it ran max-tasks-per-worker=" + maxTasks + " tasks");
    } else if (leakBytes > 0) {
      checkHeap();
    }
  }

  /**
   * loky's memory-leak protection, on the retained heap: measure after the first batch, then at
   * most every leakCheckMs.
   */
  private void checkHeap() {
    long now = System.nanoTime() / 1_000_000;
    if (heapBaseline < 0) {
      System.gc();
      heapBaseline = usedHeap();
      lastLeakCheck = now;
      return;
    }
    if (now - lastLeakCheck < leakCheckMs) {
      return;
    }
    lastLeakCheck = now;
    if (usedHeap() - heapBaseline < leakBytes) {
      return;
    }
    System.gc();
    long grown = usedHeap() - heapBaseline;
    if (grown >= leakBytes) {
      retire(
          "Memory leak detected: its retained heap grew by "
              + (grown >> 20)
              + " MB since its first task (limit "
              + (leakBytes >> 20)
              + " MB)");
    }
  }

  /**
   * The heap in use; from {@link Runtime}, not the memory MXBean, which costs a starting worker
   * tens of ms.
   */
  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * A task ignored the interrupt of its timeout: report the timeout as its outcome, then exit so
   * the parent starts a fresh worker (a thread cannot be stopped, a JVM can).
   */
  private void abandon(long id, Batch batch, long index, RuntimeException timeout) {
    if (batch.options().collect()) {
      try {
        send(
            new Frame(
                Frame.RESULT,
                id,
                serializer.serialize(WorkerReplies.timedOut(batch, index, timeout))));
      } catch (IOException e) {
        sendFailure(Frame.FAILURE, id, new BatchTaskException(index, timeout));
      }
    } else {
      sendFailure(Frame.FAILURE, id, new BatchTaskException(index, timeout));
    }
    send(Frame.of(Frame.HALTING, 0));
    ExitCodes.halt(0);
  }

  private void retire(String reason) {
    retiring = true;
    send(new Frame(Frame.RETIRE, 0, reason.getBytes(StandardCharsets.UTF_8)));
  }

  private void sendFailure(byte type, long id, Throwable t) {
    send(new Frame(type, id, WorkerReplies.failure(t, serializer)));
  }

  private void send(Frame f) {
    // a task may leave its thread interrupted: an interrupted write would close the channel
    Thread.interrupted();
    try {
      channel.send(f);
    } catch (IOException e) {
      ExitCodes.halt(0);
    } catch (OutOfMemoryError e) {
      ExitCodes.halt(3);
    }
  }
}
