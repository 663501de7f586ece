package org.joblib4j.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shared values a pool's calls and scattering backends still use, by name, with who holds each:
 * a value is sent to each worker on demand, and leaves the workers when its last holder lets go.
 * Guarded by the pool's lock.
 */
final class SharedValueHolds {
  /** A shared value and the calls (or scattering backends) that still refer to it. */
  private static final class Held {
    final SharedBlob blob;
    final Set<Object> owners = new HashSet<>();

    Held(SharedBlob blob) {
      this.blob = blob;
    }
  }

  private final Map<String, Held> held = new HashMap<>();

  /**
   * Holds values for an owner.
   *
   * @param owner who holds them
   * @param values the blobs
   */
  void acquire(Object owner, Collection<SharedBlob> values) {
    for (SharedBlob b : values) {
      held.computeIfAbsent(b.sha(), k -> new Held(b)).owners.add(owner);
    }
  }

  /**
   * Drops an owner's holds: each value nobody holds any more is queued to leave the workers that
   * have it.
   *
   * @param owner a call or a scattering backend
   * @param workers the pool's workers
   * @return the workers told to drop a value (their outboxes need flushing)
   */
  List<PooledWorker> release(Object owner, List<PooledWorker> workers) {
    List<PooledWorker> told = new ArrayList<>();
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (!h.owners.remove(owner) || !h.owners.isEmpty()) {
        continue;
      }
      it.remove();
      for (PooledWorker w : workers) {
        if (w.blobs.remove(h.blob.sha())
            && w.state != PooledWorker.State.DEAD
            && w.state != PooledWorker.State.EXITING) {
          w.outbox.add(new Frame(Frame.UNSHARE, 0, h.blob.namePayload()));
          if (!told.contains(w)) {
            told.add(w);
          }
        }
      }
    }
    return told;
  }
}
