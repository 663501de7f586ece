package org.joblib4j.backend.dask;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.process.Frame;
import org.joblib4j.process.SharedBlob;

/**
 * The Java end of the bridge's client protocol: in a client JVM it talks to the sidecar, in an
 * executor JVM (nested calls) to its Dask worker. Submitted tasks wait in a table until their
 * outcome arrives; outcomes are handled on one completion thread (never the reader's), and when the
 * other end goes away every pending task fails at once.
 */
final class DaskSession {
  /** How frames leave this JVM. */
  interface Transport {
    void send(int op, long id, byte[]... parts) throws IOException;

    /** Ends the other side (a sidecar) or does nothing (a worker). */
    void close();
  }

  /** What happens to one submitted task. */
  interface Outcome {
    /**
     * The task's answer: {@link Protocol#RESULT}, {@link Protocol#TASK_ERROR}, {@link
     * Protocol#INFRA_ERROR} or {@link Protocol#CANCELLED}, on the completion thread.
     */
    void accept(int op, byte[] payload);

    /** The session died before the answer came. */
    void failed(RuntimeException e);
  }

  private final Transport transport;
  private final String description;
  private final Map<Long, Outcome> pending = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Map<String, Object>>> requests =
      new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Void>> rejoins = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong scatters = new AtomicLong();
  private final AtomicLong scatteredBytes = new AtomicLong();
  private final Map<String, Integer> blobCounts = new java.util.HashMap<>();
  private final ExecutorService completions;
  private final Map<String, Object> welcome;
  private volatile RuntimeException dead;

  private final boolean workersShareFiles;

  DaskSession(Transport transport, String description, Map<String, Object> welcome) {
    this(transport, description, welcome, false);
  }

  /**
   * A session.
   *
   * @param workersShareFiles whether every worker runs on this host as this user and sees its files
   *     (a private local cluster): large arrays then travel as memory-mapped files
   */
  DaskSession(
      Transport transport,
      String description,
      Map<String, Object> welcome,
      boolean workersShareFiles) {
    this.transport = transport;
    this.description = description;
    this.welcome = welcome;
    this.workersShareFiles = workersShareFiles;
    this.completions =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "joblib4j-dask-results");
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether every worker runs on this host as this user and reads this JVM's files. */
  boolean workersShareFiles() {
    return workersShareFiles;
  }

  /** The handshake's answer: plugin, workers, scheduler, versions. */
  Map<String, Object> welcome() {
    return welcome;
  }

  String description() {
    return description;
  }

  boolean isDead() {
    return dead != null;
  }

  int pendingCount() {
    return pending.size();
  }

  // ------------------------------------------------------------------ requests

  /**
   * Submits one task.
   *
   * @param key its Dask key (unique)
   * @param options Dask submit options as JSON
   * @param refs the SHA-256 of every scattered blob it references
   * @param task the serialized batch
   * @param outcome what to do with the answer
   * @return the task's id, for {@link #cancel}
   */
  long submit(String key, byte[] options, Collection<byte[]> refs, byte[] task, Outcome outcome) {
    long id = ids.incrementAndGet();
    RuntimeException d = dead;
    if (d != null) {
      complete(() -> outcome.failed(d));
      return id;
    }
    pending.put(id, outcome);
    if (dead != null && pending.remove(id) != null) {
      RuntimeException late = dead;
      complete(() -> outcome.failed(late));
      return id;
    }
    try {
      ByteArrayOutputStream head =
          new ByteArrayOutputStream(64 + refs.size() * 32 + options.length);
      DataOutputStream out = new DataOutputStream(head);
      out.writeShort(refs.size());
      for (byte[] r : refs) {
        out.write(r);
      }
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      out.writeShort(k.length);
      out.write(k);
      out.writeInt(options.length);
      out.write(options);
      out.flush();
      transport.send(Protocol.SUBMIT, id, head.toByteArray(), task);
    } catch (IOException e) {
      died(
          new DaskException(
              "BridgeClosed", "Could not send a task to " + description + ": " + e, e));
    }
    // died() may have run meanwhile: it fails what is pending, this task included
    return id;
  }

  /**
   * Cancels tasks: they leave the pending table at once (their outcomes are not called) and Dask
   * cancels them, interrupting the ones that run.
   *
   * @param taskIds the ids
   */
  void cancel(Collection<Long> taskIds) {
    List<Long> sent = new ArrayList<>();
    for (Long id : taskIds) {
      if (pending.remove(id) != null) {
        sent.add(id);
      }
    }
    if (sent.isEmpty() || dead != null) {
      return;
    }
    byte[] payload = new byte[8 * sent.size()];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
    for (Long id : sent) {
      b.putLong(id);
    }
    try {
      transport.send(Protocol.CANCEL, 0, payload);
    } catch (IOException e) {
      // the other side is gone: nothing runs there any more
    }
  }

  /**
   * Broadcasts blobs to every worker, in one Dask scatter.
   *
   * @param blobs the blobs
   * @return the reply
   */
  CompletableFuture<Map<String, Object>> scatter(List<SharedBlob> blobs) {
    // each blob: its SHA-256, its length (4 bytes), its bytes
    byte[][] parts = new byte[blobs.size() * 2][];
    int i = 0;
    for (SharedBlob b : blobs) {
      scatters.incrementAndGet();
      scatteredBytes.addAndGet(b.bytes().length);
      parts[i++] =
          java.nio.ByteBuffer.allocate(36)
              .put(java.util.HexFormat.of().parseHex(b.sha()))
              .putInt(b.bytes().length)
              .array();
      parts[i++] = b.bytes();
    }
    return request(Protocol.SCATTER, parts);
  }

  /** How many scatters this session has sent. */
  long scatterCount() {
    return scatters.get();
  }

  /** How many bytes of scattered values this session has sent. */
  long scatteredBytes() {
    return scatteredBytes.get();
  }

  /**
   * Makes blobs available on the cluster: the first user of each scatters it (all such blobs of the
   * call in one Dask scatter), later ones share it.
   *
   * @param blobs the blobs
   */
  void acquireBlobs(Collection<SharedBlob> blobs) {
    List<SharedBlob> first = new ArrayList<>();
    synchronized (blobCounts) {
      for (SharedBlob b : blobs) {
        if (blobCounts.merge(b.sha(), 1, Integer::sum) == 1) {
          first.add(b);
        }
      }
    }
    if (!first.isEmpty()) {
      scatter(first);
    }
  }

  /**
   * Gives blobs back: the last user of each releases it on the cluster (all such blobs in one
   * request).
   *
   * @param shas their SHA-256 in hex
   */
  void releaseBlobs(Collection<String> shas) {
    List<String> last = new ArrayList<>();
    synchronized (blobCounts) {
      for (String sha : shas) {
        Integer n = blobCounts.get(sha);
        if (n == null) {
          continue;
        }
        if (n == 1) {
          blobCounts.remove(sha);
          last.add(sha);
        } else {
          blobCounts.put(sha, n - 1);
        }
      }
    }
    if (!last.isEmpty()) {
      release(last);
    }
  }

  /** How many distinct blobs are scattered now. */
  int blobCount() {
    synchronized (blobCounts) {
      return blobCounts.size();
    }
  }

  /**
   * Releases blobs on the cluster.
   *
   * @param shas their SHA-256 in hex
   */
  private void release(List<String> shas) {
    if (dead != null) {
      return;
    }
    try {
      transport.send(
          Protocol.RELEASE, 0, String.join(" ", shas).getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // gone: nothing to release
    }
  }

  CompletableFuture<Map<String, Object>> request(int op, byte[]... payload) {
    long id = ids.incrementAndGet();
    CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
    RuntimeException d = dead;
    if (d != null) {
      f.completeExceptionally(d);
      return f;
    }
    requests.put(id, f);
    try {
      transport.send(op, id, payload);
    } catch (IOException e) {
      died(new DaskException("BridgeClosed", "Could not reach " + description + ": " + e, e));
    }
    if (dead != null) {
      requests.remove(id);
      f.completeExceptionally(dead);
    }
    return f;
  }

  /**
   * Sends a request and waits for its answer.
   *
   * @param op the request
   * @param json its JSON payload, or {@code null}
   * @param timeout how long to wait
   * @return the answer
   */
  Map<String, Object> call(int op, Object json, Duration timeout) {
    byte[] payload = json == null ? new byte[0] : Json.write(json).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Map<String, Object>> f = request(op, payload);
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException(
          "interrupted while waiting for " + description);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new DaskException("BridgeError", String.valueOf(c), c);
    } catch (TimeoutException e) {
      throw new DaskException(
          "Timeout", "No answer from " + description + " within " + timeout.toSeconds() + " s");
    }
  }

  /** Steps the task {@code rid} out of its worker's thread pool (inside an executor JVM). */
  void secede(long rid) throws IOException {
    transport.send(Protocol.SECEDE, rid);
  }

  /** Asks the task {@code rid} back into its worker's thread pool and waits until it is. */
  CompletableFuture<Void> rejoin(long rid) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    rejoins.put(rid, f);
    try {
      transport.send(Protocol.REJOIN, rid);
    } catch (IOException e) {
      rejoins.remove(rid);
      f.complete(null);
    }
    return f;
  }

  // ------------------------------------------------------------------ incoming

  /** Handles a frame from the Python side; called by the transport's reader thread. */
  void onFrame(Frame f) {
    switch (f.type()) {
      case Protocol.RESULT:
      case Protocol.TASK_ERROR:
      case Protocol.INFRA_ERROR:
      case Protocol.CANCELLED:
        {
          Outcome o = pending.remove(f.id());
          if (o != null) {
            complete(() -> o.accept(f.type(), f.payload()));
          }
          break;
        }
      case Protocol.REPLY:
      case Protocol.REPLY_ERROR:
        {
          CompletableFuture<Map<String, Object>> r = requests.remove(f.id());
          if (r != null) {
            Map<String, Object> m = Json.object(new String(f.payload(), StandardCharsets.UTF_8));
            if (f.type() == Protocol.REPLY) {
              r.complete(m);
            } else {
              r.completeExceptionally(
                  new DaskException(
                      String.valueOf(m.get("type")), m.get("type") + ": " + m.get("message")));
            }
          }
          break;
        }
      case Protocol.REJOINED:
        {
          CompletableFuture<Void> r = rejoins.remove(f.id());
          if (r != null) {
            r.complete(null);
          }
          break;
        }
      case Protocol.CLOSED:
        {
          Map<String, Object> m = Json.object(new String(f.payload(), StandardCharsets.UTF_8));
          died(
              new DaskException(
                  "SchedulerLost",
                  m.get("message")
                      + ". Every pending task of the dask backend failed; the next call connects again."));
          break;
        }
      default:
        break;
    }
  }

  /** Runs an outcome on the completion thread, or here once the session is closed. */
  private void complete(Runnable r) {
    try {
      completions.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      r.run();
    }
  }

  /** The other side is gone: every pending task and request fails now. */
  void died(RuntimeException cause) {
    synchronized (this) {
      if (dead != null) {
        return;
      }
      dead = cause;
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Long id : new ArrayList<>(pending.keySet())) {
      Outcome o = pending.remove(id);
      if (o != null) {
        outcomes.add(o);
      }
    }
    complete(
        () -> {
          for (Outcome o : outcomes) {
            o.failed(cause);
          }
        });
    for (Long id : new ArrayList<>(requests.keySet())) {
      CompletableFuture<Map<String, Object>> r = requests.remove(id);
      if (r != null) {
        r.completeExceptionally(cause);
      }
    }
    for (Long id : new ArrayList<>(rejoins.keySet())) {
      CompletableFuture<Void> r = rejoins.remove(id);
      if (r != null) {
        r.complete(null);
      }
    }
  }

  /** Ends the session: the sidecar shuts down (a private cluster with it). */
  void close() {
    died(
        new DaskException(
            "Closed", "The dask backend's connection to " + description + " was closed."));
    transport.close();
    completions.shutdown();
  }

  @Override
  public String toString() {
    return description;
  }
}
