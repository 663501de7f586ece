package org.joblib4j.backend.ray;

import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.WaitResult;
import io.ray.api.exception.RayActorException;
import io.ray.api.exception.RayWorkerException;
import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.process.BatchShipper;
import org.joblib4j.process.DeserializationFilter;
import org.joblib4j.process.JavaTaskSerializer;
import org.joblib4j.process.SerializationDiagnostics;
import org.joblib4j.process.SharedBlob;
import org.joblib4j.process.SharingOptions;
import org.joblib4j.process.Shipment;
import org.joblib4j.process.TooLargeResults;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ReceivedResults;
import org.joblib4j.spi.support.AutoBatchSizer;
import org.joblib4j.spi.support.AutoBatchingBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ray} backend: each batch is one Ray task ({@link RayBridge#runBatch}, {@code CPU: 1})
 * on the cluster's Java workers. At most n_jobs batches are on the cluster at a time; one
 * completion thread waits on them with {@code Ray.wait} and completes their futures in completion
 * order.
 *
 * <p>Nested calls (a {@code Parallel} inside a task) do not go back to the cluster: as joblib's Ray
 * backend (a multiprocessing backend underneath), they run on threads at level 1 and sequentially
 * below, inside the Ray worker.
 */
final class RayBackend implements AutoBatchingBackend {
  private static final Logger LOG = LoggerFactory.getLogger(RayBackend.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final RayOptions options;
  private final BatchShipper shipper = new BatchShipper();
  private final SharingOptions sharing;
  private final Map<Object, SharedBlob> scattered;

  /**
   * The shared values in Ray's object store, one object per set of blobs that batches refer to (put
   * once, fetched once per node): a call's go with the call, those made only of {@code scatter}
   * objects stay until this backend's {@code Parallel} closes.
   */
  private final Map<List<SharedBlob>, ObjectRef<byte[]>> bundles = new HashMap<>();

  private final AutoBatchSizer sizer =
      new AutoBatchSizer(AutoBatchSizer.DEFAULT_MIN_NANOS, 1_000_000_000L, Integer.MAX_VALUE);

  @Override
  public AutoBatchSizer batchSizer() {
    return sizer;
  }

  private final Object lock = new Object();
  private final Map<ObjectRef<byte[]>, InFlight> running = new IdentityHashMap<>();
  private final ArrayDeque<InFlight> waiting = new ArrayDeque<>();
  private RayRuntime runtime;
  private int slots = 1;
  private ClassLoader loader;
  private Thread collector;
  private volatile boolean stopping;

  /** A batch on its way: its bytes are kept for a retry after a worker death. */
  private static final class InFlight {
    final long firstIndex;
    final int size;
    final byte[] bytes;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    final Path pidFile;

    /** The batch's shared values in the object store, or {@code null}. */
    final ObjectRef<byte[]> shared;

    int attempts;
    int redeliveries;

    InFlight(Batch batch, byte[] bytes, Path pidFile, ObjectRef<byte[]> shared) {
      this.firstIndex = batch.firstIndex();
      this.size = batch.size();
      this.bytes = bytes;
      this.pidFile = pidFile;
      this.shared = shared;
    }

    String tasks() {
      return size == 1
          ? "task " + firstIndex
          : "tasks " + firstIndex + ".." + (firstIndex + size - 1);
    }
  }

  RayBackend(RayOptions options) {
    this(
        options,
        new SharingOptions(List.of(), true, org.joblib4j.process.SharedValues.DEFAULT_THRESHOLD));
  }

  RayBackend(RayOptions options, SharingOptions sharing) {
    this.options = options;
    this.sharing = sharing;
    this.scattered =
        sharing.scatter().isEmpty() ? Map.of() : BatchShipper.scatter(sharing.scatter());
  }

  @Override
  public int defaultNJobs() {
    return -1;
  }

  @Override
  public int effectiveNJobs(int nJobs) {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs == 0 in Parallel has no meaning");
    }
    // as joblib's Ray backend: asking for the cluster's size connects to it
    RayRuntime.acquire(options);
    int cpus = Math.max(RayRuntime.clusterCpus(options), 0);
    if (cpus == 0) {
      return 0;
    }
    return nJobs < 0 ? Math.max(cpus + 1 + nJobs, 1) : Math.min(nJobs, cpus);
  }

  @Override
  public int configure(CallSettings settings) {
    // a bad joblib4j.deserialization-filter fails the call now, not its first result
    DeserializationFilter.configured();
    runtime = RayRuntime.acquire(options);
    int n = effectiveNJobs(settings.nJobs());
    loader = Thread.currentThread().getContextClassLoader();
    // no memory-mapped arrays: a remote node cannot read the caller's files; Ray moves large
    // arguments through its object store instead
    shipper.startCall(null, null, sharing, scattered);
    synchronized (lock) {
      slots = Math.max(n, 1);
      stopping = false;
      if (collector == null) {
        collector = new Thread(this::collect, "joblib4j-ray-collector-" + IDS.incrementAndGet());
        collector.setDaemon(true);
        collector.start();
      }
    }
    return n;
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    Shipment shipment = shipper.ship(batch);
    EmbeddedHead head = runtime == null ? null : runtime.head();
    Path pidFile =
        head == null ? null : head.dir().resolve("batch-" + IDS.incrementAndGet() + ".pid");
    InFlight f = new InFlight(batch, shipment.bytes(), pidFile, bundle(shipment.refs()));
    synchronized (lock) {
      if (running.size() < slots) {
        launch(f);
      } else {
        waiting.add(f);
      }
    }
    return f.future;
  }

  /** Puts a batch on the cluster; called with the lock held. */
  private void launch(InFlight f) {
    f.attempts++;
    ObjectRef<byte[]> ref;
    try {
      String pid = f.pidFile == null ? "" : f.pidFile.toString();
      var task =
          (f.shared == null
                  ? Ray.task(RayBridge::runBatch, f.bytes, pid)
                  : Ray.task(RayBridge::runSharedBatch, f.bytes, pid, f.shared))
              .setName("joblib4j-" + f.tasks().replace(' ', '-'))
              .setResource("CPU", options.cpusPerTask());
      options.resources().forEach(task::setResource);
      ref = task.remote();
    } catch (RuntimeException e) {
      f.future.completeExceptionally(e);
      return;
    }
    running.put(ref, f);
    lock.notifyAll();
  }

  private void collect() {
    while (true) {
      List<ObjectRef<byte[]>> refs;
      synchronized (lock) {
        while (running.isEmpty() && !stopping) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            collector = null;
            return;
          }
        }
        if (running.isEmpty()) {
          collector = null; // under the lock: configure() starts a new one if it needs it
          return;
        }
        refs = new ArrayList<>(running.keySet());
      }
      WaitResult<byte[]> ready;
      try {
        ready = Ray.wait(refs, 1, 100);
      } catch (RuntimeException e) {
        // the runtime is gone (shut down, or the cluster is unreachable): fail what waits on it
        List<InFlight> lost;
        synchronized (lock) {
          lost = new ArrayList<>(running.values());
          running.clear();
        }
        for (InFlight f : lost) {
          f.future.completeExceptionally(
              new IllegalStateException(
                  "Lost the Ray cluster while waiting for " + f.tasks() + ": " + firstLine(e), e));
        }
        continue;
      }
      for (ObjectRef<byte[]> ref : ready.getReady()) {
        InFlight f;
        synchronized (lock) {
          f = running.remove(ref);
        }
        if (f != null) {
          try {
            finish(f, ref);
          } catch (RuntimeException | Error e) {
            // the collector serves every call of this backend: it must outlive any one batch
            f.future.completeExceptionally(
                e instanceof OutOfMemoryError
                    ? TooLargeResults.failure(f.firstIndex, f.size, -1, e)
                    : new IllegalStateException(
                        "Cannot read the results of " + f.tasks() + " from Ray: " + e, e));
          }
        }
        synchronized (lock) {
          while (running.size() < slots && !waiting.isEmpty()) {
            launch(waiting.poll());
          }
        }
      }
    }
  }

  private void finish(InFlight f, ObjectRef<byte[]> ref) {
    byte[] bytes;
    try {
      bytes = ref.get();
    } catch (RayWorkerException | RayActorException e) {
      workerDied(f, firstLine(e), e);
      return;
    } catch (RuntimeException e) {
      String death = RayErrorTypes.deathOf(e);
      if (death != null) {
        workerDied(f, death, e);
      } else {
        f.future.completeExceptionally(new IllegalStateException(rayFailure(f.tasks(), e), e));
      }
      return;
    }
    Object[] envelope;
    try {
      envelope =
          (Object[]) JavaTaskSerializer.forResults(loader, "the Ray worker").deserialize(bytes);
    } catch (OutOfMemoryError e) {
      f.future.completeExceptionally(
          TooLargeResults.failure(f.firstIndex, f.size, bytes.length, e));
      return;
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      // joblib's words, as a worker JVM's result that the caller cannot read
      f.future.completeExceptionally(SerializationDiagnostics.unreadableResults(f.firstIndex, e));
      return;
    }
    if (Boolean.TRUE.equals(envelope[0])) {
      @SuppressWarnings("unchecked")
      List<Object> results = (List<Object>) envelope[1];
      // their size as received: the engine's read-ahead bound in bytes
      f.future.complete(new ReceivedResults(results, bytes.length, f.bytes.length));
    } else if (envelope[1] instanceof BatchTaskException) {
      f.future.completeExceptionally((BatchTaskException) envelope[1]);
    } else if (envelope[1] instanceof TaskSerializationException) {
      // the worker could not read the batch: the failure of its first task
      Throwable t = (Throwable) envelope[1];
      f.future.completeExceptionally(
          new TaskSerializationException(f.firstIndex, t.getMessage(), t.getCause()));
    } else {
      Throwable t = (Throwable) envelope[1];
      f.future.completeExceptionally(
          new IllegalStateException(
              "A Ray worker could not run "
                  + f.tasks()
                  + ": "
                  + t
                  + ". Are the caller's classes on the workers' code search path"
                  + " (joblib4j.backend.ray.code-search-path)?",
              t));
    }
  }

  /**
   * Whether a batch whose worker died never started: the bridge writes its PID file first thing and
   * deletes it last, so after a worker death the file exists exactly when the batch had started.
   * Unknown (false) off the embedded head.
   */
  private static boolean neverStarted(InFlight f) {
    if (f.pidFile == null) {
      return false;
    }
    try {
      return !Files.deleteIfExists(f.pidFile);
    } catch (IOException e) {
      return false;
    }
  }

  /** A batch whose worker died: sent again, retried, or failed with what Ray said. */
  private void workerDied(InFlight f, String ray, RuntimeException e) {
    if (neverStarted(f) && f.redeliveries < 3 && !stopping) {
      // pushed to a worker that had just been killed (an aborted call's, on the embedded head)
      // before Ray noticed: the batch never ran, so it goes again, whatever max-retries says
      f.redeliveries++;
      f.attempts--;
      LOG.debug("{} was sent to a dead Ray worker before it started; sending it again", f.tasks());
      synchronized (lock) {
        launch(f);
      }
      return;
    }
    if (f.attempts <= options.maxRetries() && !stopping) {
      LOG.warn(
          "A Ray worker died while running {} (Ray: {}); retrying ({} of {})",
          f.tasks(),
          ray,
          f.attempts,
          options.maxRetries());
      synchronized (lock) {
        launch(f);
      }
      return;
    }
    f.future.completeExceptionally(
        new WorkerTerminatedException(
            "A worker process of the ray backend died unexpectedly while running "
                + f.tasks()
                + " (Ray: "
                + ray
                + "). Likely causes: the task called System.exit or Runtime.halt,"
                + " the worker ran out of memory and was killed (by the OS or Ray's memory monitor), a native"
                + " crash, or the worker JVM was killed. The batch ran "
                + f.attempts
                + " time(s); Ray does not"
                + " retry Java tasks: set joblib4j.backend.ray.max-retries to rerun it on a new worker.",
            e));
  }

  /** Why Ray could not run a batch, in words; Ray's own error when this JVM can read it. */
  static String rayFailure(String tasks, Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof InaccessibleObjectException) {
        return "Ray failed to run "
            + tasks
            + ", and this JVM cannot read Ray's error: Ray's exception serializer needs"
            + " --add-opens=java.base/java.lang=ALL-UNNAMED on the driver JVM (add it to see the"
            + " error). A frequent cause: the Ray workers could not load this JVM's classes; when"
            + " the nodes do not have its jars at the same paths, use"
            + " joblib4j.backend.ray.classpath-mode=ship.";
      }
    }
    return "Ray failed to run " + tasks + ": " + firstLine(e);
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    List<InFlight> dropped = new ArrayList<>();
    synchronized (lock) {
      dropped.addAll(running.values());
      dropped.addAll(waiting);
      running.clear(); // dropping the refs lets Ray release their objects
      waiting.clear();
    }
    // Ray's Java API cannot cancel a task; on the embedded head the worker JVMs running this
    // call's batches are killed by PID (Ray starts new ones), elsewhere they run to their end
    EmbeddedHead head = runtime == null ? null : runtime.head();
    for (InFlight f : dropped) {
      f.future.completeExceptionally(new CancellationException("the call was aborted"));
      if (head != null && f.pidFile != null) {
        killWorker(head, f.pidFile);
      }
    }
  }

  private static void killWorker(EmbeddedHead head, Path pidFile) {
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      Files.deleteIfExists(pidFile);
      if (head.owns(pid)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    } catch (IOException | NumberFormatException e) {
      // the batch ended meanwhile
    }
  }

  @Override
  public void terminate() {
    List<InFlight> left = new ArrayList<>();
    synchronized (lock) {
      stopping = true;
      left.addAll(running.values());
      left.addAll(waiting);
      running.clear();
      waiting.clear();
      lock.notifyAll();
    }
    for (InFlight f : left) {
      f.future.completeExceptionally(new CancellationException("the ray backend was closed"));
    }
    shipper.endCall();
    synchronized (bundles) {
      bundles.clear(); // Ray frees an object once no reference to it is left
    }
    sizer.reset();
  }

  @Override
  public void stopCall() {
    synchronized (bundles) {
      bundles.keySet().removeIf(blobs -> !scattered.values().containsAll(blobs));
    }
  }

  /**
   * The object holding a batch's shared values, put once per set of values; {@code null} for none.
   */
  private ObjectRef<byte[]> bundle(List<SharedBlob> refs) {
    if (refs.isEmpty()) {
      return null;
    }
    synchronized (bundles) {
      return bundles.computeIfAbsent(List.copyOf(refs), r -> Ray.put(SharedBlob.bundle(r)));
    }
  }
}
