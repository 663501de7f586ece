package org.joblib4j.backend.dask;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.process.ExitCodes;
import org.joblib4j.process.Frame;
import org.joblib4j.process.JavaTaskSerializer;
import org.joblib4j.process.SerializationDiagnostics;
import org.joblib4j.process.WorkerReplies;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;

/**
 * The executor JVM on a Dask worker: started by the bridge's worker plugin (one per classpath per
 * worker), it reads serialized batches and answers them, running each batch on its own thread. Its
 * protocol has two pipes of its own, passed as file descriptors ({@value #CHANNEL_PROPERTY}{@code
 * =IN,OUT}): its stdout and stderr go to the worker's log, so a task's prints, a child process with
 * inherited I/O, native output, {@code -Xlog} or a crash banner cannot corrupt the protocol (Java
 * closes every descriptor above 2 in the processes it starts). Without that property (no descriptor
 * passing) the protocol is on stdin/stdout and {@code System.out} is redirected to stderr. Every
 * request gets an answer, also when something outside a task fails. It exits when its input closes:
 * it never outlives its Dask worker. It is reachable only through those pipes.
 *
 * <p>Argument: the idle timeout in milliseconds (after it, it asks the plugin to be stopped).
 */
public final class ExecutorMain {
  /** Names the protocol's input and output file descriptors: {@code IN,OUT}. */
  static final String CHANNEL_PROPERTY = "joblib4j.dask.channel";

  /** Stands for a scattered {@code null}. */
  static final Object NULL = new Object();

  private static volatile ExecutorMain current;
  private static final ThreadLocal<Long> RID = new ThreadLocal<>();

  /**
   * Writes results as the caller reads them, failing the moment they pass what one frame carries.
   */
  private static final JavaTaskSerializer RESULTS = new JavaTaskSerializer();

  /**
   * Reads scattered and inline values: an array a caller on this host memory-mapped resolves from
   * its file, rebuilt once until the caller deletes the file's folder.
   */
  private static final JavaTaskSerializer VALUES = JavaTaskSerializer.forMappedValues();

  private final DataOutputStream out;
  private final long idleMs;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Object> values = new ConcurrentHashMap<>();
  private final Map<Long, Thread> running = new ConcurrentHashMap<>();
  private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
  private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
  private final ExecutorService tasks;
  private volatile long lastActivity = System.nanoTime();
  private volatile boolean idleSent;
  private volatile DaskSession session;

  private ExecutorMain(DataOutputStream out, long idleMs) {
    this.out = out;
    this.idleMs = idleMs;
    AtomicInteger n = new AtomicInteger();
    this.tasks =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "joblib4j-dask-task-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs the executor.
   *
   * @param args the idle timeout in milliseconds
   */
  public static void main(String[] args) {
    InputStream protocolIn;
    OutputStream protocolOut;
    String channel = System.getProperty(CHANNEL_PROPERTY);
    try {
      if (channel != null) {
        String[] fds = channel.split(",", 2);
        protocolIn = new FileInputStream("/dev/fd/" + Integer.parseInt(fds[0]));
        protocolOut = new FileOutputStream("/dev/fd/" + Integer.parseInt(fds[1]));
      } else {
        protocolIn = new FileInputStream(FileDescriptor.in);
        protocolOut = new FileOutputStream(FileDescriptor.out);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "joblib4j executor: cannot open the protocol channel " + channel + ": " + e);
      ExitCodes.halt(2);
      return;
    }
    // a task's prints go to the worker's log (and not into stdin/stdout when they carry the
    // protocol)
    System.setOut(System.err);
    System.setIn(new ByteArrayInputStream(new byte[0]));
    long idle = args.length > 0 ? Long.parseLong(args[0]) : 600_000L;
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(protocolOut, 1 << 16));
    ExecutorMain m = new ExecutorMain(out, idle);
    current = m;
    m.run(new DataInputStream(new BufferedInputStream(protocolIn, 1 << 16)));
  }

  /** The session nested calls use: the Dask worker this JVM runs for. */
  static DaskSession session() {
    ExecutorMain m = current;
    if (m == null) {
      return null;
    }
    synchronized (m) {
      if (m.session == null) {
        Map<String, Object> welcome = new LinkedHashMap<>();
        welcome.put("worker", System.getProperty("joblib4j.dask.worker"));
        m.session =
            new DaskSession(
                new DaskSession.Transport() {
                  @Override
                  public void send(int op, long id, byte[]... parts) throws IOException {
                    m.send(op, id, parts);
                  }

                  @Override
                  public void close() {}
                },
                "the Dask worker " + System.getProperty("joblib4j.dask.worker") + " (nested calls)",
                welcome);
      }
      return m.session;
    }
  }

  /**
   * The id of the task the current thread runs, for secede/rejoin.
   *
   * @return the id, or -1 on a thread that runs no task
   */
  static long currentTask() {
    Long rid = RID.get();
    return rid == null ? -1 : rid;
  }

  /**
   * A scattered object, deserialized once per JVM.
   *
   * @param sha its SHA-256
   * @return the object ({@link #NULL} for null), or {@code null} if this JVM does not have it
   */
  static Object resolveBlob(String sha) {
    ExecutorMain m = current;
    if (m == null) {
      return null;
    }
    byte[] raw = m.blobs.get(sha);
    if (raw == null) {
      return m.values.get(sha);
    }
    return m.values.computeIfAbsent(
        sha,
        s -> {
          try {
            Object v = VALUES.deserialize(raw);
            return v == null ? NULL : v;
          } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(
                "could not deserialize the scattered object " + sha.substring(0, 16) + ": " + e, e);
          }
        });
  }

  /**
   * Rebuilds a task argument that travelled inline ({@link InlineValue}).
   *
   * @param bytes its serialized form
   * @return the value
   * @throws IOException if the bytes are corrupt or a memory-mapped array's file cannot be read
   * @throws ClassNotFoundException if its class is missing
   */
  static Object readValue(byte[] bytes) throws IOException, ClassNotFoundException {
    return VALUES.deserialize(bytes);
  }

  private void run(DataInputStream in) {
    Map<String, Object> ready = new LinkedHashMap<>();
    ready.put("pid", ProcessHandle.current().pid());
    ready.put("java", System.getProperty("java.version"));
    ready.put("uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
    send(Protocol.READY, 0, Json.write(ready).getBytes(StandardCharsets.UTF_8));
    Thread idle = new Thread(this::watchIdle, "joblib4j-dask-idle");
    idle.setDaemon(true);
    idle.start();
    try {
      for (Frame f; (f = Protocol.read(in)) != null; ) {
        handle(f);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("joblib4j executor: reading from the Dask worker failed: " + e);
      ExitCodes.halt(2);
    }
    // the input closed: the Dask worker is gone or stopped this JVM
    ExitCodes.halt(0);
  }

  private void handle(Frame f) {
    switch (f.type()) {
      case Protocol.EXEC:
        lastActivity = System.nanoTime();
        idleSent = false;
        // the arrays of calls that ended (their folders deleted by the caller) are let go
        VALUES.releaseGoneArrays();
        try {
          tasks.execute(() -> runTask(f.id(), f.payload()));
        } catch (RuntimeException
            | Error e) { // no thread for it (rejected, or out of native threads)
          sendFailure(f.id(), new BatchTaskException(-1, e));
        }
        break;
      case Protocol.PUT_BLOB:
        blobs.put(
            HexFormat.of().formatHex(f.payload(), 0, 32),
            Arrays.copyOfRange(f.payload(), 32, f.payload().length));
        break;
      case Protocol.DROP_BLOB:
        {
          String sha = HexFormat.of().formatHex(f.payload(), 0, 32);
          blobs.remove(sha);
          values.remove(sha);
          VALUES.releaseGoneArrays();
          break;
        }
      case Protocol.CANCEL_EXEC:
        cancelled.add(f.id());
        synchronized (running) {
          Thread t = running.get(f.id());
          if (t != null) {
            t.interrupt();
          }
        }
        break;
      case Protocol.EXIT:
        ExitCodes.halt(0);
        break;
      default:
        DaskSession s = session;
        if (s != null) {
          s.onFrame(f);
        }
    }
  }

  private void runTask(long rid, byte[] payload) {
    synchronized (running) {
      running.put(rid, Thread.currentThread());
    }
    RID.set(rid);
    try {
      answer(rid, payload);
    } catch (Throwable t) {
      // whatever failed, the request is answered: an unanswered one waits forever on the worker
      if (!abandoned.remove(rid)) {
        sendFailure(rid, new BatchTaskException(-1, t));
      }
    } finally {
      synchronized (running) {
        running.remove(rid);
        Thread.interrupted();
      }
      cancelled.remove(rid);
      RID.remove();
      lastActivity = System.nanoTime();
    }
  }

  /** Runs one batch and answers it; anything it throws is answered by the caller. */
  private void answer(long rid, byte[] payload) {
    if (cancelled.remove(rid)) {
      send(Protocol.CANCELLED_EXEC, rid);
      return;
    }
    Batch batch;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
      batch = (Batch) in.readObject();
    } catch (Throwable t) {
      // joblib's words, as a worker JVM that cannot read its batch; the caller sets the index
      sendFailure(
          rid,
          new BatchTaskException(
              -1,
              SerializationDiagnostics.unreadableBatch(
                  -1,
                  "the executor JVM "
                      + ProcessHandle.current().pid()
                      + " on Dask worker "
                      + System.getProperty("joblib4j.dask.worker"),
                  "the worker's classpath",
                  t)));
      return;
    }
    List<Object> results;
    Batch b = batch;
    try {
      results =
          batch.call(
              () -> cancelled.contains(rid), (index, timeout) -> abandon(rid, b, index, timeout));
    } catch (BatchTaskException e) {
      if (abandoned.remove(rid)) {
        return;
      }
      if (cancelled.remove(rid)) {
        send(Protocol.CANCELLED_EXEC, rid);
      } else {
        sendFailure(rid, e);
      }
      return;
    }
    if (abandoned.remove(rid)) {
      return;
    }
    byte[] bytes;
    try {
      bytes = RESULTS.serialize(results);
    } catch (Throwable t) {
      // a result that cannot travel is that task's failure, not the executor's
      sendFailure(rid, WorkerReplies.unsendable(batch, results, t, RESULTS));
      return;
    }
    if (cancelled.remove(rid)) {
      send(Protocol.CANCELLED_EXEC, rid);
    } else {
      send(Protocol.OK, rid, bytes);
    }
  }

  /**
   * A task ignored the interrupt of its {@code taskTimeout}: its batch is answered now (the timeout
   * as that task's outcome), so its Dask task ends and frees the worker slot. The thread cannot be
   * stopped without killing the tasks that share this JVM, so it is left to finish; its late answer
   * is dropped.
   */
  private void abandon(long rid, Batch batch, long index, RuntimeException timeout) {
    abandoned.add(rid);
    if (batch.options().collect()) {
      try {
        send(Protocol.OK, rid, RESULTS.serialize(WorkerReplies.timedOut(batch, index, timeout)));
        return;
      } catch (IOException e) {
        // answered as a failure below
      }
    }
    sendFailure(rid, new BatchTaskException(index, timeout));
  }

  private void sendFailure(long rid, Throwable t) {
    send(Protocol.ERR, rid, WorkerReplies.failure(t, RESULTS));
  }

  private void watchIdle() {
    while (true) {
      try {
        Thread.sleep(Math.min(1000, Math.max(50, idleMs / 4)));
      } catch (InterruptedException e) {
        return;
      }
      DaskSession s = session;
      boolean nestedBusy = s != null && s.pendingCount() > 0;
      if (!idleSent
          && running.isEmpty()
          && !nestedBusy
          && System.nanoTime() - lastActivity > idleMs * 1_000_000L) {
        idleSent = true;
        send(Protocol.IDLE, 0);
      }
    }
  }

  void send(int op, long id, byte[]... parts) {
    try {
      synchronized (out) {
        Protocol.write(out, op, id, parts);
      }
    } catch (IOException e) {
      ExitCodes.halt(0);
    } catch (OutOfMemoryError e) {
      ExitCodes.halt(3);
    }
  }
}
