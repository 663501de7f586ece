package org.joblib4j.backend.dask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.process.events.ClusterEvents;

/**
 * The sidecars of this JVM, one per distinct connection (scheduler, interpreter, TLS, worker JVM
 * settings), shared by every {@code Parallel} that uses it. A dead one (sidecar or scheduler gone)
 * is replaced on the next call. A JVM shutdown hook ends them all, and a private local cluster with
 * its sidecar.
 */
final class DaskSessions {
  private static final Map<String, DaskSession> SESSIONS = new HashMap<>();
  private static boolean hooked;

  private DaskSessions() {}

  /**
   * Returns the session for these options, starting a sidecar if needed. Inside an executor JVM
   * this is the Dask worker itself (nested calls go back to the cluster).
   *
   * @param o the options
   * @return the session
   */
  static DaskSession get(DaskOptions o) {
    DaskSession nested = ExecutorMain.session();
    if (nested != null) {
      return nested;
    }
    String key = o.sessionKey();
    synchronized (SESSIONS) {
      DaskSession s = SESSIONS.get(key);
      if (s != null && !s.isDead()) {
        return s;
      }
      if (!hooked) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(DaskSessions::closeAllQuietly, "joblib4j-dask-shutdown"));
        hooked = true;
      }
      long connecting = System.nanoTime();
      s = Sidecar.start(o);
      ClusterEvents.clusterConnected("dask", o.describeScheduler(), connecting);
      SESSIONS.put(key, s);
      return s;
    }
  }

  /** Closes every session: the sidecars exit, and private local clusters with them. */
  static void closeAll() {
    List<DaskSession> all;
    synchronized (SESSIONS) {
      all = new ArrayList<>(SESSIONS.values());
      SESSIONS.clear();
    }
    List<Thread> closers = new ArrayList<>();
    for (DaskSession s : all) {
      Thread t = new Thread(s::close, "joblib4j-dask-close");
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeAllQuietly() {
    try {
      closeAll();
    } catch (RuntimeException e) {
      // exiting anyway
    }
  }

  /** Closes one session and forgets it. */
  static void close(DaskSession session) {
    synchronized (SESSIONS) {
      SESSIONS.values().removeIf(s -> s == session);
    }
    session.close();
  }
}
