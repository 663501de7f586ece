package org.joblib4j.core.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.TaskFunction;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.NestedBackend;

/**
 * The entry point of a worker JVM: connects to its parent's private socket, runs batches one after
 * the other, and exits when told, when idle for too long (after asking), or at once when its parent
 * is gone (no orphans).
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

  private static volatile Thread taskThread;
  private static boolean parentWatched;

  private final FrameChannel channel;
  private final TaskSerializer serializer = new JavaTaskSerializer(null, WorkerMain.class.getClassLoader());
  private final LinkedBlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
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
    if (args.length >= 2 && args[0].equals(SPARE_ARGUMENT)) {
      watchParent(Long.parseLong(args[1]));
      args = awaitAssignment(args[1], args.length > 2 ? Path.of(args[2]) : null);
    }
    if (args.length != 3) {
      System.err.println("joblib4j worker: expected <socket> <token> <parent-pid>; this JVM is started by joblib4j, not by hand.");
      Runtime.getRuntime().halt(2);
    }
    long parentPid = Long.parseLong(args[2]);
    if (!parentWatched) {
      watchParent(parentPid);
    }
    SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])));
    FrameChannel channel = new FrameChannel(socket);
    channel.send(new Frame(Frame.HELLO, ProcessHandle.current().pid(), args[1].getBytes(StandardCharsets.UTF_8)));
    new WorkerMain(channel).run();
  }

  /**
   * A spare worker: does the start-up work that needs no pool ({@link #warmTaskPath}), then waits
   * for its pool's socket path and token on standard input. Exits when the input closes.
   */
  private static String[] awaitAssignment(String parentPid, Path privateDir) throws IOException {
    warmTaskPath(privateDir);
    java.io.BufferedReader in =
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    String socket = in.readLine();
    String token = in.readLine();
    if (socket == null || token == null) {
      exit(0);
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
              : UnixDomainSocketAddress.of(privateDir.resolve("warm-" + ProcessHandle.current().pid())));
      socketPath = ((UnixDomainSocketAddress) server.getLocalAddress()).getPath();
      try (SocketChannel workerEnd = SocketChannel.open(server.getLocalAddress());
          SocketChannel poolEnd = server.accept()) {
        FrameChannel pool = new FrameChannel(poolEnd);
        WorkerMain warm = new WorkerMain(new FrameChannel(workerEnd));
        JavaTaskSerializer serializer = new JavaTaskSerializer();
        TaskFunction<Integer, Integer> increment = x -> x + 1;
        Batch batch =
            new Batch(
                0,
                List.of(DelayedCall.of(increment, 1), DelayedCall.of(increment, 2)),
                NestedBackend.defaultFor(1),
                // an equal, not the same, Options travels as a pool's batches do
                new Batch.Options(null, false, 0));
        pool.send(new Frame(Frame.BATCH, 1, serializer.serialize(batch)));
        // a worker's main thread waits for its batches on its (here empty) inbox
        warm.inbox.poll(1, TimeUnit.MILLISECONDS);
        warm.runBatch(warm.channel.receive());
        serializer.deserialize(pool.receive().payload());
      }
    } catch (IOException | ClassNotFoundException | InterruptedException | RuntimeException e) {
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

  /** Exits when the parent process is gone, even if the channel somehow stays open. */
  private static void watchParent(long parentPid) {
    parentWatched = true;
    Thread t =
        new Thread(
            () -> {
              ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
              if (parent == null) {
                exit(0);
              }
              parent.onExit().join();
              exit(0);
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
    return Thread.currentThread() == taskThread;
  }

  private void run() {
    taskThread = Thread.currentThread();
    Thread reader = new Thread(this::read, "joblib4j-worker-reader");
    reader.setDaemon(true);
    reader.start();
    boolean askedToExit = false;
    while (true) {
      Frame f;
      try {
        f = inbox.poll(idleTimeoutMs, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // a task's stray interrupt: keep serving
        continue;
      }
      if (f == null) {
        if (!askedToExit) {
          send(Frame.of(Frame.IDLE, 0));
          askedToExit = true;
        }
        continue;
      }
      askedToExit = false;
      if (f.type() == Frame.INIT) {
        initialize(f);
      } else if (f.type() == Frame.BATCH) {
        runBatch(f);
      }
    }
  }

  /** Reads frames; CANCEL and EXIT act at once, the rest queue for the main thread. */
  private void read() {
    try {
      while (true) {
        Frame f = channel.receive();
        if (f == null || f.type() == Frame.EXIT) {
          exit(0);
        }
        if (f.type() == Frame.CANCEL) {
          cancelled.add(f.id());
        } else {
          inbox.add(f);
        }
      }
    } catch (IOException e) {
      // the parent is gone
      exit(0);
    }
  }

  private void initialize(Frame f) {
    try {
      Task<?> initializer = (Task<?>) serializer.deserialize(f.payload());
      initializer.call();
    } catch (Throwable t) {
      sendFailure(Frame.INIT_FAILED, 0, t);
      exit(1);
    }
  }

  private void runBatch(Frame f) {
    long id = f.id();
    if (cancelled.remove(id)) {
      send(Frame.of(Frame.CANCELLED, id));
      return;
    }
    Batch batch;
    try {
      batch = (Batch) serializer.deserialize(f.payload());
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
    }
    byte[] bytes;
    try {
      bytes = serializer.serialize(results);
    } catch (Throwable t) {
      // a result that cannot travel is that task's failure, not the worker's
      sendFailure(Frame.FAILURE, id, new BatchTaskException(batch.firstIndex(), t));
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

  /** loky's memory-leak protection, on the retained heap: measure after the first batch, then at most every leakCheckMs. */
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
      retire("Memory leak detected: its retained heap grew by " + (grown >> 20) + " MB since its first task (limit " + (leakBytes >> 20) + " MB)");
    }
  }

  /** The heap in use; from {@link Runtime}, not the memory MXBean, which costs a starting worker tens of ms. */
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
      List<Object> outcome = new java.util.ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        outcome.add(batch.firstIndex() + i == index ? org.joblib4j.spi.TaskFailure.of(index, timeout) : null);
      }
      try {
        send(new Frame(Frame.RESULT, id, serializer.serialize(outcome)));
      } catch (IOException e) {
        sendFailure(Frame.FAILURE, id, new BatchTaskException(index, timeout));
      }
    } else {
      sendFailure(Frame.FAILURE, id, new BatchTaskException(index, timeout));
    }
    send(Frame.of(Frame.HALTING, 0));
    exit(0);
  }

  private void retire(String reason) {
    retiring = true;
    send(new Frame(Frame.RETIRE, 0, reason.getBytes(StandardCharsets.UTF_8)));
  }

  private void sendFailure(byte type, long id, Throwable t) {
    byte[] bytes;
    try {
      bytes = serializer.serialize(t);
    } catch (Throwable notSerializable) {
      Throwable stand = t instanceof BatchTaskException
          ? new BatchTaskException(((BatchTaskException) t).taskIndex(), new RemoteTaskException(t.getCause()))
          : new RemoteTaskException(t);
      try {
        bytes = serializer.serialize(stand);
      } catch (Throwable impossible) {
        bytes = new byte[0];
      }
    }
    send(new Frame(type, id, bytes));
  }

  private void send(Frame f) {
    try {
      channel.send(f);
    } catch (IOException e) {
      exit(0);
    } catch (OutOfMemoryError e) {
      exit(3);
    }
  }

  private static void exit(int code) {
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code);
  }
}
