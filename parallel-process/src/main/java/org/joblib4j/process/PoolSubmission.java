package org.joblib4j.process;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A batch on its way through a {@link WorkerPool}: queued, then in flight on one worker. */
final class PoolSubmission {
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

  PoolSubmission(
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
