package org.joblib4j.backend.dask;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.process.ArraySpiller;
import org.joblib4j.process.DeserializationFilter;
import org.joblib4j.process.JavaTaskSerializer;
import org.joblib4j.process.SerializationDiagnostics;
import org.joblib4j.process.SharedBlob;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.ReceivedResults;
import org.joblib4j.spi.RetrievalContext;
import org.joblib4j.spi.support.AutoBatchSizer;
import org.joblib4j.spi.support.AutoBatchingBackend;
import org.joblib4j.spi.support.Durations;

/**
 * joblib's {@code DaskDistributedBackend}: every batch runs as a Dask task on a real Dask cluster,
 * in an executor JVM on the worker that Dask picks. See {@link DaskOptions} for where it connects
 * (a private local cluster on loopback by default).
 *
 * <p>As in joblib: n_jobs defaults to every worker thread of the cluster; a call waits up to {@code
 * wait-for-workers-timeout} for a first worker; batches are auto-sized for 0.2 to 1 s; every batch
 * has its own key (functions are never assumed pure); {@code scatter} objects are broadcast once
 * and large arguments are scattered automatically; extra submit options ({@code workers}, {@code
 * resources}, {@code retries}, ...) go to Dask; nested {@code Parallel} calls inside a task go back
 * to the cluster, the waiting task stepping out of its worker slot. Beyond joblib: an explicit
 * n_jobs caps the number of batches in flight (joblib ignores it), and an abort, a timeout or an
 * early close cancels the queued batches and interrupts the running Java tasks.
 */
public final class DaskDistributedBackend implements AutoBatchingBackend {
  /** joblib's dask bounds for auto batching: batches of 0.2 s to 1 s. */
  static final long MIN_BATCH_NANOS = 200_000_000L;

  static final long MAX_BATCH_NANOS = 1_000_000_000L;

  /**
   * How much a batch may grow per step (joblib: 2): every Dask round trip costs about 10 ms
   * whatever the batch, so small batches measure mostly that latency, and joblib's doubling would
   * need many round trips to reach a useful size.
   */
  static final int GROWTH = 4;

  private final DaskOptions options;

  /** Results come from Dask workers: through the shared filter, plus this backend's own pattern. */
  private final DeserializationFilter filter;

  private final AutoBatchSizer batching =
      new AutoBatchSizer(MIN_BATCH_NANOS, MAX_BATCH_NANOS, Integer.MAX_VALUE, 0, GROWTH);

  @Override
  public AutoBatchSizer batchSizer() {
    return batching;
  }

  private final byte[] submitOptions;
  private final long batchLimit;
  private volatile int lastBatchSize = 1;

  private DaskSession session;
  private Map<Object, SharedBlob> explicit = new IdentityHashMap<>();
  private final Set<String> explicitBlobs = new HashSet<>();

  /**
   * The scattered arrays' memory-mapped files (a private local cluster): they live with the blobs.
   */
  private ArraySpiller explicitArrays;

  private BatchEncoder encoder;

  /** The settings of the last configure, for each call's encoder. */
  private CallSettings callSettings;

  // the current call; guarded by this
  private int inFlightCap = Integer.MAX_VALUE;
  private final Map<Long, Submission> inFlight = new LinkedHashMap<>();
  private final ArrayDeque<Submission> waiting = new ArrayDeque<>();
  private int running;
  private boolean aborted;

  /** One batch on its way. */
  private final class Submission {
    final Batch batch;
    final String key;
    final BatchEncoder.Encoded encoded;
    final ClassLoader loader;
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    long id = -1;
    boolean counted;
    boolean released;

    Submission(Batch batch, String key, BatchEncoder.Encoded encoded, ClassLoader loader) {
      this.batch = batch;
      this.key = key;
      this.encoded = encoded;
      this.loader = loader;
    }

    String tasks() {
      return batch.size() == 1
          ? "task " + batch.firstIndex()
          : "tasks " + batch.firstIndex() + ".." + (batch.firstIndex() + batch.size() - 1);
    }
  }

  /**
   * Creates a backend from its options; it connects at its first call.
   *
   * @param context the options ({@code joblib4j.backend.dask.*})
   */
  public DaskDistributedBackend(BackendContext context) {
    this(context, Protocol.MAX_BATCH);
  }

  /**
   * A backend with another batch limit (tests reach its handling without gigabytes).
   *
   * @param context the options
   * @param batchLimit the most bytes of a serialized batch
   */
  DaskDistributedBackend(BackendContext context, long batchLimit) {
    this.batchLimit = batchLimit;
    this.options = DaskOptions.of(context);
    this.filter =
        DeserializationFilter.configured().and(options.resultFilter, DaskOptions.RESULT_FILTER_KEY);
    this.submitOptions = Json.write(options.submitOptions).getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ configuration

  @Override
  public int defaultNJobs() {
    return -1;
  }

  /**
   * joblib: the number of worker threads of the cluster ({@code sum(client.ncores())}); a positive
   * n_jobs is the number of batches in flight, a negative one counts back from the cluster's
   * threads.
   */
  @Override
  public int effectiveNJobs(int nJobs) {
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs == 0 in Parallel has no meaning");
    }
    if (nJobs > 0) {
      return nJobs;
    }
    int total = threads(connect());
    return nJobs == -1 ? total : Math.max(total + 1 + nJobs, 1);
  }

  @Override
  public synchronized int configure(CallSettings settings) {
    int nJobs = settings.nJobs();
    if (nJobs == 0) {
      throw new IllegalArgumentException("nJobs == 0 in Parallel has no meaning");
    }
    DaskSession s = connect();
    int total = threads(s);
    if (total == 0) {
      Duration t = options.waitForWorkersTimeout;
      if (t.isZero() || t.isNegative()) {
        // joblib goes on with no worker: Parallel then reports "has no active worker"
        return 0;
      }
      total = waitForWorkers(s, t);
    }
    int slots = nJobs == -1 ? total : nJobs > 0 ? nJobs : Math.max(total + 1 + nJobs, 1);
    inFlightCap = nJobs == -1 ? Integer.MAX_VALUE : slots;
    // workers on this host map large arrays from files, as loky's do (joblib's max_nbytes), instead
    // of receiving them through the sidecar and their Dask worker
    boolean mapArrays = settings.maxNbytes() != null && s.workersShareFiles();
    if (!options.scatter.isEmpty() && explicit.isEmpty()) {
      closeExplicitArrays();
      explicitArrays =
          mapArrays ? new ArraySpiller(settings.tempFolder(), settings.maxNbytes()) : null;
      explicit = BatchEncoder.scatterAll(s, options.scatter, explicitBlobs, explicitArrays);
    }
    callSettings = settings;
    // a call always runs on the cluster: 1 would make the engine run it in the caller's thread
    return Math.max(2, slots);
  }

  private DaskSession connect() {
    DaskSession s;
    synchronized (this) {
      s = session;
    }
    if (s == null || s.isDead()) {
      s = DaskSessions.get(options);
      synchronized (this) {
        if (session != s) {
          // blobs scattered through a dead session are gone with it
          explicit = new IdentityHashMap<>();
          explicitBlobs.clear();
        }
        session = s;
      }
    }
    return s;
  }

  private int threads(DaskSession s) {
    Map<String, Object> info = s.call(Protocol.INFO, null, options.connectTimeout.plusSeconds(30));
    return ((Number) info.get("nthreads")).intValue();
  }

  private int waitForWorkers(DaskSession s, Duration t) {
    double seconds = t.toNanos() / 1e9;
    try {
      Map<String, Object> info =
          s.call(Protocol.PROBE, Map.of("timeout", seconds), t.plusSeconds(30));
      return ((Number) info.get("nthreads")).intValue();
    } catch (DaskException e) {
      if (!e.type().contains("Timeout")) {
        throw e;
      }
      throw new ParallelTimeoutException(
          "DaskDistributedBackend has no worker after "
              + Durations.seconds(t)
              + " seconds. Make sure that workers are started and can properly connect to the scheduler and"
              + " increase the joblib/dask connection timeout with:\n\nParallelConfig.builder().backend(\"dask\")"
              + ".backendParam(\"wait-for-workers-timeout\", \""
              + Durations.seconds(
                  t.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                      ? t.multipliedBy(2)
                      : Duration.ofSeconds(10))
              + "s\")");
    }
  }

  // ------------------------------------------------------------------ calls

  @Override
  public synchronized void startCall() {
    // what a call shares (and the files of its arrays) is the call's: a kept-open Parallel's next
    // call decides and writes afresh, as the last one's files are gone
    DaskSession s = session;
    CallSettings c = callSettings;
    if (s != null && c != null) {
      encoder =
          new BatchEncoder(
              s,
              explicit,
              options.autoScatter,
              options.autoScatterThreshold,
              batchLimit,
              c.maxNbytes() != null && s.workersShareFiles()
                  ? new ArraySpiller(c.tempFolder(), c.maxNbytes(), c.mmapMode())
                  : null);
    }
    aborted = false;
    inFlight.clear();
    waiting.clear();
    running = 0;
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    BatchEncoder enc;
    synchronized (this) {
      enc = encoder;
    }
    BatchEncoder.Encoded encoded;
    try {
      encoded = enc.encode(batch);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Submission sub =
        new Submission(
            batch, BatchNames.key(batch), encoded, Thread.currentThread().getContextClassLoader());
    boolean send;
    synchronized (this) {
      if (aborted) {
        sub.future.completeExceptionally(new CancellationException("the call was aborted"));
        return sub.future;
      }
      send = running < inFlightCap;
      if (send) {
        running++;
        sub.counted = true;
      } else {
        waiting.add(sub);
      }
    }
    if (send) {
      send(sub);
    }
    return sub.future;
  }

  private void send(Submission sub) {
    DaskSession s;
    synchronized (this) {
      s = session;
    }
    long id =
        s.submit(
            sub.key,
            submitOptions,
            sub.encoded.refs(),
            sub.encoded.bytes(),
            new DaskSession.Outcome() {
              @Override
              public void accept(int op, byte[] payload) {
                outcome(sub, op, payload);
              }

              @Override
              public void failed(RuntimeException e) {
                finish(sub, null, e);
              }
            });
    boolean cancelNow;
    synchronized (this) {
      sub.id = id;
      cancelNow = aborted;
      if (!cancelNow && !sub.future.isDone()) {
        inFlight.put(id, sub);
      }
    }
    if (cancelNow) {
      s.cancel(List.of(id));
      sub.future.completeExceptionally(new CancellationException("the call was aborted"));
    }
  }

  private void outcome(Submission sub, int op, byte[] payload) {
    switch (op) {
      case Protocol.RESULT:
        {
          Object results;
          try {
            results =
                JavaTaskSerializer.forResults(sub.loader, "a Dask worker", filter)
                    .deserialize(payload);
          } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            // joblib's words, as a worker JVM's result that the caller cannot read
            finish(
                sub, null, SerializationDiagnostics.unreadableResults(sub.batch.firstIndex(), e));
            return;
          }
          if (!(results instanceof List)) {
            finish(
                sub,
                null,
                new DaskException(
                    "ResultError", "Dask returned " + results + " for " + sub.tasks()));
            return;
          }
          @SuppressWarnings("unchecked")
          List<Object> list = (List<Object>) results;
          // their size as received: the engine's read-ahead bound in bytes
          finish(sub, new ReceivedResults(list, payload.length, sub.encoded.bytes().length), null);
          return;
        }
      case Protocol.TASK_ERROR:
        {
          Throwable t;
          try {
            t =
                (Throwable)
                    JavaTaskSerializer.forResults(sub.loader, "a Dask worker", filter)
                        .deserialize(payload);
          } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            t = SerializationDiagnostics.unreadableException(sub.batch.firstIndex(), e);
          }
          if (t instanceof BatchTaskException && ((BatchTaskException) t).taskIndex() < 0) {
            // the executor could not read the batch: the failure of its first task
            Throwable cause = t.getCause();
            if (cause instanceof TaskSerializationException) {
              cause =
                  new TaskSerializationException(
                      sub.batch.firstIndex(), cause.getMessage(), cause.getCause());
            }
            t = new BatchTaskException(sub.batch.firstIndex(), cause);
          }
          finish(sub, null, t);
          return;
        }
      case Protocol.INFRA_ERROR:
        {
          Map<String, Object> m = Json.object(new String(payload, StandardCharsets.UTF_8));
          finish(
              sub,
              null,
              infrastructure(sub, String.valueOf(m.get("type")), String.valueOf(m.get("message"))));
          return;
        }
      default:
        finish(
            sub,
            null,
            new CancellationException("Dask cancelled " + sub.tasks() + " (" + sub.key + ")"));
    }
  }

  private RuntimeException infrastructure(Submission sub, String type, String message) {
    switch (type) {
      case "KilledWorker":
        return new DaskKilledWorkerException(
            "Dask gave up on "
                + sub.tasks()
                + " ("
                + sub.key
                + "): KilledWorker: "
                + message
                + " A worker that dies once costs nothing (Dask reruns its tasks elsewhere); this batch killed"
                + " every worker that ran it, so it likely exits the JVM (System.exit, Runtime.halt), crashes it,"
                + " or makes the worker exceed its memory (distributed.scheduler.allowed-failures sets how many"
                + " deaths Dask tolerates).");
      case "JvmDiedError":
        return new WorkerTerminatedException(
            "The executor JVM running "
                + sub.tasks()
                + " on a Dask worker died: "
                + message
                + ". Likely causes: System.exit or Runtime.halt in a task, a native crash, or an OutOfMemoryError"
                + " (set joblib4j.backend.dask.worker-heap). The next task starts a new executor JVM.");
      case "JvmProtocolError":
        return new WorkerTerminatedException(
            "The executor JVM running "
                + sub.tasks()
                + " on a Dask worker broke the bridge's protocol: "
                + message
                + ". Something in that JVM wrote to the bridge's private channel; the next task starts a new"
                + " executor JVM.");
      case "JavaNotFound":
        return new DaskException(
            type, "The executor JVM for " + sub.tasks() + " could not start: " + message + ".");
      case "JvmStartError":
        return new DaskException(
            type,
            "The executor JVM for "
                + sub.tasks()
                + " could not start on a Dask worker: "
                + message
                + ". Check joblib4j.backend.dask.worker-java, worker-jvm-options and classpath-mode (shared mode"
                + " needs the classpath's paths on every worker host).");
      default:
        return new DaskException(
            type, "Dask failed " + sub.tasks() + " (" + sub.key + "): " + type + ": " + message);
    }
  }

  private void finish(Submission sub, List<Object> results, Throwable error) {
    Submission next = null;
    synchronized (this) {
      if (sub.id >= 0) {
        inFlight.remove(sub.id);
      }
      if (sub.counted && !sub.released) {
        sub.released = true;
        running--;
        if (!aborted) {
          next = waiting.poll();
          if (next != null) {
            next.counted = true;
            running++;
          }
        }
      }
    }
    if (error != null) {
      sub.future.completeExceptionally(error);
    } else {
      sub.future.complete(results);
    }
    if (next != null) {
      send(next);
    }
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    List<Submission> cancel;
    DaskSession s;
    synchronized (this) {
      aborted = true;
      cancel = new ArrayList<>(waiting);
      waiting.clear();
      cancel.addAll(inFlight.values());
      inFlight.clear();
      for (Submission sub : cancel) {
        sub.released = true;
      }
      running = 0;
      s = session;
    }
    List<Long> ids = new ArrayList<>();
    for (Submission sub : cancel) {
      if (sub.id >= 0) {
        ids.add(sub.id);
      }
    }
    if (s != null && !ids.isEmpty()) {
      // queued batches leave the scheduler; running ones are interrupted in their executor JVM
      s.cancel(ids);
    }
    for (Submission sub : cancel) {
      sub.future.completeExceptionally(new CancellationException("the call was aborted"));
    }
  }

  @Override
  public void stopCall() {
    BatchEncoder enc;
    synchronized (this) {
      enc = encoder;
    }
    if (enc != null) {
      enc.endCall();
    }
  }

  @Override
  public synchronized void terminate() {
    if (session != null) {
      session.releaseBlobs(explicitBlobs);
    }
    explicitBlobs.clear();
    explicit = new IdentityHashMap<>();
    closeExplicitArrays();
    batching.reset();
    lastBatchSize = 1;
  }

  private void closeExplicitArrays() {
    if (explicitArrays != null) {
      explicitArrays.close();
      explicitArrays = null;
    }
  }

  // ------------------------------------------------------------------ joblib hooks

  @Override
  public int computeBatchSize() {
    return computeBatchSize(Integer.MAX_VALUE);
  }

  @Override
  public int computeBatchSize(int max) {
    int n = batching.computeBatchSize(max);
    lastBatchSize = n;
    return n;
  }

  /**
   * The batch size auto batching arrived at (joblib's {@code _effective_batch_size}).
   *
   * @return the last computed batch size
   */
  public int effectiveBatchSize() {
    return lastBatchSize;
  }

  /**
   * Nested calls inside a task go back to the cluster (joblib: {@code
   * (DaskDistributedBackend(client), -1)}).
   */
  @Override
  public NestedBackend nestedBackend(int nestingLevel) {
    return NestedBackend.named("dask", -1, nestingLevel + 1);
  }

  /**
   * Inside a Dask task, the waiting task steps out of its worker's thread pool ({@code secede}) and
   * back in afterwards ({@code rejoin}), so nested calls cannot deadlock a saturated cluster.
   */
  @Override
  public RetrievalContext retrievalContext() {
    long rid = ExecutorMain.currentTask();
    DaskSession s;
    synchronized (this) {
      s = session;
    }
    if (rid < 0 || s == null) {
      return RetrievalContext.NONE;
    }
    try {
      s.secede(rid);
    } catch (IOException e) {
      return RetrievalContext.NONE;
    }
    return () -> s.rejoin(rid).join();
  }

  @Override
  public boolean supportsTimeout() {
    return true;
  }

  @Override
  public boolean supportsReturnGenerator() {
    return true;
  }

  // ------------------------------------------------------------------ management

  /**
   * Ends every connection of this JVM to Dask: the sidecars exit, and private local clusters with
   * them. The next call connects again.
   */
  public static void shutdown() {
    DaskSessions.closeAll();
  }
}
