package org.joblib4j.process;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.support.AutoBatchSizer;
import org.joblib4j.spi.support.AutoBatchingBackend;

/**
 * What every backend on a {@link WorkerPool} shares: joblib's auto batching (0.2–2 s batches, with
 * a faster ramp for tiny tasks), shipping each batch from the caller's thread (with memory-mapped
 * large arrays and serialization diagnostics), one token per call so an abort kills only that
 * call's work, and the call's bookkeeping on the pool. A subclass decides which pool serves the
 * call — in {@link #configure} ({@link #usePool}), or at each call's start ({@link #leasePool})
 * when the pool is shared and can be replaced between calls — and what {@link #terminate} releases.
 */
public abstract class ProcessBackend implements AutoBatchingBackend {
  static {
    // a backend is created before its first call configures it: warm the launch path meanwhile
    StartupWarmup.start();
  }

  /** For subclasses: each decides which pool serves its calls. */
  protected ProcessBackend() {}

  /**
   * A tiny batch grows at once to the size expected to take this long (see {@link AutoBatchSizer}).
   */
  static final long JUMP_NANOS = AutoBatchSizer.DEFAULT_MIN_NANOS / 10;

  /**
   * joblib's 0.2–2 s batches, but tiny tasks jump straight to 20 ms batches instead of doubling
   * from 1 (a round trip to a worker JVM per doubling).
   */
  private final AutoBatchSizer batching =
      new AutoBatchSizer(
          AutoBatchSizer.DEFAULT_MIN_NANOS,
          AutoBatchSizer.DEFAULT_MAX_NANOS,
          Integer.MAX_VALUE,
          JUMP_NANOS);

  @Override
  public AutoBatchSizer batchSizer() {
    return batching;
  }

  private final BatchShipper shipper = new BatchShipper();
  private WorkerPool pool;
  private CallSettings settings;
  private Object call = new Object();

  /** The calls running on this instance now (more than one when two Parallels share it). */
  private int runningCalls;

  private SharingOptions sharing;
  private Map<Object, SharedBlob> scattered = Map.of();

  /**
   * The scattered primitive arrays' memory-mapped files: they live as long as the scattered values.
   */
  private ArraySpiller scatteredArrays;

  /** Holds this backend's scattered values on the pools that served it. */
  private final Object scatterOwner = new Object();

  private final Set<WorkerPool> scatterPools = new HashSet<>();

  /**
   * Sets what travels once ({@code scatter}, {@code auto-scatter}); call from the constructor. The
   * {@code scatter} objects are serialized at the first call that runs on workers, once for this
   * backend's lifetime.
   *
   * @param options the sharing options
   */
  protected final synchronized void sharing(SharingOptions options) {
    this.sharing = options;
  }

  /**
   * Releases the scattered values on every pool that holds them (when the {@code Parallel} that
   * owns this backend closes); call from {@link #terminate}.
   */
  protected final synchronized void releaseScattered() {
    for (WorkerPool p : scatterPools) {
      p.release(scatterOwner);
    }
    scatterPools.clear();
    if (scatteredArrays != null) {
      // a later call (a backend instance used again) scatters again
      scatteredArrays.close();
      scatteredArrays = null;
      scattered = Map.of();
    }
  }

  /**
   * Records the settings of the call being configured; call from {@link #configure}.
   *
   * @param settings the call's settings
   */
  protected final synchronized void configuring(CallSettings settings) {
    this.settings = settings;
  }

  /**
   * Sets the pool that runs the call's batches.
   *
   * @param pool the pool
   */
  protected final synchronized void usePool(WorkerPool pool) {
    this.pool = pool;
  }

  /**
   * Returns the pool in use.
   *
   * @return the pool, or {@code null}
   */
  protected final synchronized WorkerPool pool() {
    return pool;
  }

  /**
   * Returns the pool that serves the call starting now, with the call registered on it ({@link
   * WorkerPool#callStarted}), so that a pool being replaced keeps serving the call until it ends.
   * The default is the pool set by {@link #usePool}; a backend on a shared pool that another caller
   * may replace or shut down between two calls of a kept-open {@code Parallel} overrides this to
   * take the current pool, atomically with the registration.
   *
   * @param call the call's token
   * @return the pool, or {@code null} when none was set
   */
  protected WorkerPool leasePool(Object call) {
    if (pool != null) {
      pool.callStarted(call);
    }
    return pool;
  }

  /** Worker JVMs run on this machine: the CPU budget counts them. */
  @Override
  public boolean usesLocalCpus() {
    return true;
  }

  @Override
  public synchronized void startCall() {
    // a bad joblib4j.deserialization-filter fails the call now, not its first result
    DeserializationFilter.configured();
    if (runningCalls > 0) {
      // one backend instance given to two Parallels that run at once: the second call joins the
      // first's token, pool and memory-mapped folder, which go when the last of them ends
      runningCalls++;
      return;
    }
    call = new Object();
    pool = leasePool(call);
    if (pool != null && scattered.isEmpty() && sharing != null && !sharing.scatter().isEmpty()) {
      // a scattered array larger than max_nbytes travels as its memory-mapped file: written once,
      // and each worker copies it once, faster than serializing it
      Long maxNbytes = settings == null ? null : settings.maxNbytes();
      scatteredArrays =
          maxNbytes == null ? null : new ArraySpiller(settings.tempFolder(), maxNbytes);
      scattered = BatchShipper.scatter(sharing.scatter(), scatteredArrays);
    }
    if (settings != null) {
      shipper.startCall(
          settings.tempFolder(), settings.maxNbytes(), settings.mmapMode(), sharing, scattered);
    }
    if (pool != null && !scattered.isEmpty()) {
      // the scattered values live as long as this backend (a Parallel), on whichever pool serves it
      pool.acquire(scatterOwner, scattered.values());
      scatterPools.add(pool);
    }
    runningCalls = 1; // counted once started: a start that failed is not stopped by the engine
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    WorkerPool p;
    Object c;
    synchronized (this) {
      p = pool;
      c = call;
    }
    return p.submit(c, shipper.ship(batch), batch.firstIndex(), batch.size());
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    WorkerPool p;
    Object c;
    synchronized (this) {
      p = pool;
      c = call;
    }
    if (p != null) {
      p.abort(c);
    }
  }

  @Override
  public void stopCall() {
    WorkerPool p;
    Object c;
    synchronized (this) {
      if (runningCalls > 0 && --runningCalls > 0) {
        return; // another call on this instance still runs
      }
      p = pool;
      c = call;
    }
    // the call's memory-mapped arrays go with the call, also after errors and kills
    shipper.endCall();
    if (p != null) {
      p.callEnded(c);
    }
  }

  /** Forgets what auto batching learnt (at the end of each call, as joblib does). */
  protected final void resetBatching() {
    batching.reset();
  }
}
