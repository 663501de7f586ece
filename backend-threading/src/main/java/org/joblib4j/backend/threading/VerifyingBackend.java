package org.joblib4j.backend.threading;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.joblib4j.TaskSerializationException;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.process.BatchShipper;
import org.joblib4j.process.JavaTaskSerializer;
import org.joblib4j.process.ResultsCodec;
import org.joblib4j.process.SharedValues;
import org.joblib4j.process.SharingOptions;
import org.joblib4j.process.Shipment;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.ParallelBackend;
import org.joblib4j.spi.ReceivedResults;
import org.joblib4j.spi.RetrievalContext;

/**
 * {@code verify}: runs on threads, but puts every batch, result and task exception through the
 * serialization round trip that worker JVMs and clusters use, so code that works here is known to
 * travel to {@code loky}, {@code multiprocessing}, {@code dask} and {@code ray}. A task that cannot
 * travel fails as it would there: {@link TaskSerializationException} naming the task and the
 * captured field or argument at fault, before any task of its batch runs. Options inject the faults
 * of real workers ({@link VerifyFaults}).
 */
final class VerifyingBackend implements ParallelBackend {
  private final ThreadingBackend threads = new ThreadingBackend(false);
  private final BatchShipper shipper = new BatchShipper();
  private final VerifyFaults faults;

  /** Bumped by an abort: a batch still waiting out its injected delay then never starts. */
  private final java.util.concurrent.atomic.AtomicLong aborts =
      new java.util.concurrent.atomic.AtomicLong();

  VerifyingBackend(VerifyFaults faults) {
    this.faults = faults;
  }

  /**
   * The call's shared values as a worker JVM rebuilds them: each once, then the same copy for every
   * task (one worker's copy; on loky each worker has its own).
   */
  private final Map<String, Object> sharedCopies = new ConcurrentHashMap<>();

  /** loky's default: a value above 64 KiB that a second task uses is shared. */
  private static final SharingOptions AUTO_SHARING =
      new SharingOptions(List.of(), true, SharedValues.DEFAULT_THRESHOLD);

  @Override
  public int configure(CallSettings settings) {
    return threads.configure(settings);
  }

  @Override
  public CompletableFuture<List<Object>> submit(Batch batch) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Batch copy;
    long sentBytes;
    try {
      // what a worker JVM receives: the batch as another JVM reads it
      Shipment sent = shipper.ship(batch);
      sentBytes = sent.bytes().length;
      copy = BatchShipper.readBack(sent, loader, sharedCopies);
    } catch (TaskSerializationException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return CompletableFuture.failedFuture(
          new TaskSerializationException(
              batch.firstIndex(),
              "The batch of tasks "
                  + range(batch)
                  + " could not be read back after serialization: "
                  + e,
              e));
    }
    WorkerTerminatedException death = faults.death(batch);
    if (death != null) {
      return CompletableFuture.failedFuture(death);
    }
    long delay = faults.delayNanos();
    CompletableFuture<List<Object>> ran = delay == 0 ? threads.submit(copy) : delayed(copy, delay);
    return ran.handle(
        (results, failure) -> {
          if (failure != null) {
            throw new CompletionException(travelled(batch, unwrap(failure), loader));
          }
          return travelled(batch, results, sentBytes, loader);
        });
  }

  private CompletableFuture<List<Object>> delayed(Batch copy, long delayNanos) {
    long abortsBefore = aborts.get();
    return CompletableFuture.runAsync(
            () -> {}, CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS))
        .thenCompose(
            v ->
                aborts.get() == abortsBefore
                    ? threads.submit(copy)
                    : CompletableFuture.failedFuture(
                        new java.util.concurrent.CancellationException("the call was aborted")));
  }

  /**
   * The results as the caller would read them from another JVM, with the sizes they travelled at.
   */
  @SuppressWarnings("unchecked")
  private static List<Object> travelled(
      Batch batch, List<Object> results, long sentBytes, ClassLoader loader) {
    byte[] bytes;
    try {
      // the worker JVMs' encoding: compact values, or the results one by one in one stream
      bytes = ResultsCodec.encode(results, new JavaTaskSerializer(null, loader));
    } catch (IOException | RuntimeException e) {
      throw new CompletionException(
          new TaskSerializationException(
              batch.firstIndex(),
              "A result of tasks "
                  + range(batch)
                  + " could not be serialized, which the loky, multiprocessing, dask"
                  + " and ray backends need: "
                  + e
                  + ". Return a Serializable value.",
              e));
    }
    try {
      List<Object> read =
          (List<Object>)
              ResultsCodec.decode(
                  bytes, JavaTaskSerializer.forResults(loader, "the verify backend"));
      return new ReceivedResults(read, bytes.length, sentBytes);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new CompletionException(
          new TaskSerializationException(
              batch.firstIndex(),
              "A result has failed to un-serialize. Please ensure that the objects returned by the function are"
                  + " always serializable (tasks "
                  + range(batch)
                  + "): "
                  + e,
              e));
    }
  }

  /** A task's exception as the caller would read it from another JVM. */
  private static Throwable travelled(Batch batch, Throwable failure, ClassLoader loader) {
    try {
      JavaTaskSerializer s = new JavaTaskSerializer(null, loader);
      return (Throwable)
          JavaTaskSerializer.forResults(loader, "the verify backend")
              .deserialize(s.serialize(failure));
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      long index =
          failure instanceof BatchTaskException
              ? ((BatchTaskException) failure).taskIndex()
              : batch.firstIndex();
      TaskSerializationException t =
          new TaskSerializationException(
              index,
              "The exception of task "
                  + index
                  + " could not travel back, which the loky, multiprocessing, dask and"
                  + " ray backends need: "
                  + e
                  + " (the exception: "
                  + (failure instanceof BatchTaskException && failure.getCause() != null
                      ? failure.getCause()
                      : failure)
                  + ")",
              e);
      return new BatchTaskException(index, t);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static String range(Batch batch) {
    return batch.firstIndex() + ".." + (batch.firstIndex() + batch.size() - 1);
  }

  @Override
  public void abortEverything(boolean ensureReady) {
    aborts.incrementAndGet();
    threads.abortEverything(ensureReady);
  }

  @Override
  public void stopCall() {
    threads.stopCall();
    shipper.endCall();
    sharedCopies.clear();
  }

  @Override
  public void startCall() {
    // every call, also the next ones of a kept-open Parallel: as on loky and multiprocessing, a
    // value that several tasks share is serialized once per call
    shipper.startCall(null, null, AUTO_SHARING, Map.of());
    threads.startCall();
  }

  @Override
  public void terminate() {
    threads.terminate();
    shipper.endCall();
    sharedCopies.clear();
  }

  @Override
  public int computeBatchSize() {
    return threads.computeBatchSize();
  }

  @Override
  public void batchCompleted(int batchSize, long durationNanos) {
    threads.batchCompleted(batchSize, durationNanos);
  }

  @Override
  public String takeBatchSizeChange() {
    return threads.takeBatchSizeChange();
  }

  @Override
  public int defaultNJobs() {
    return threads.defaultNJobs();
  }

  @Override
  public int effectiveNJobs(int nJobs) {
    return threads.effectiveNJobs(nJobs);
  }

  @Override
  public NestedBackend nestedBackend(int nestingLevel) {
    return threads.nestedBackend(nestingLevel);
  }

  @Override
  public RetrievalContext retrievalContext() {
    return threads.retrievalContext();
  }

  @Override
  public boolean supportsTimeout() {
    return threads.supportsTimeout();
  }

  @Override
  public boolean supportsReturnGenerator() {
    return threads.supportsReturnGenerator();
  }

  @Override
  public boolean usesThreads() {
    return threads.usesThreads();
  }

  @Override
  public boolean supportsInnerMaxNumThreads() {
    return threads.supportsInnerMaxNumThreads();
  }

  @Override
  public boolean supportsSharedMem() {
    // tasks get copies, as in another JVM
    return false;
  }
}
