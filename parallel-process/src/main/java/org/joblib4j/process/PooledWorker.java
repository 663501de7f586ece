package org.joblib4j.process;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.UUID;

/**
 * One worker JVM of a {@link WorkerPool}: its process, its channel, where it is in its life and the
 * batches it holds. Its fields are guarded by its pool's lock; {@link #sendLock} orders its frames
 * on the wire.
 */
final class PooledWorker {
  /** Where a worker is in its life. */
  enum State {
    /** Launched, not connected yet. */
    STARTING,
    /** Connected: takes batches. */
    READY,
    /** Takes no more batches; exits once it has answered the ones it holds. */
    RETIRING,
    /** Told to exit, or exiting on its own. */
    EXITING,
    /** Its process is gone. */
    DEAD
  }

  /** What its hello must carry: a worker connecting with another token is not this one. */
  final String token = UUID.randomUUID().toString();

  /** The batches sent to it, in the order it runs them. */
  final LinkedHashMap<Long, PoolSubmission> inFlight = new LinkedHashMap<>();

  /** Frames waiting to be written to it, in order. */
  final ArrayDeque<Frame> outbox = new ArrayDeque<>();

  /** The shared values sent to it and not released since. */
  final Set<String> blobs = new HashSet<>();

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

  /** Whether it counts towards the pool's size: starting or ready. */
  boolean isLive() {
    return state == State.STARTING || state == State.READY;
  }

  /** Why it ended, given the state it was in: for its exit event. */
  String exitCause(State was) {
    return killed
        ? "killed"
        : was == State.EXITING ? "retired" : was == State.STARTING ? "failed to start" : "died";
  }

  /** Kills its process and every process it started; its exit handler does the rest. */
  void destroy() {
    Process p = process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
