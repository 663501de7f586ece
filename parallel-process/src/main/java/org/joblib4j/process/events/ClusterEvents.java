package org.joblib4j.process.events;

/**
 * The one place a cluster backend (dask, ray) reports its connection: to Java Flight Recorder
 * ({@code org.joblib4j.ClusterConnected}, category {@code joblib4j}). Off unless a recording
 * enables it; a runtime without the {@code jdk.jfr} module records none.
 */
public final class ClusterEvents {
  private static final boolean JFR = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  private ClusterEvents() {}

  /**
   * A connection to a cluster was made.
   *
   * @param backend the backend's name
   * @param cluster the scheduler or head address, or what private cluster was started
   * @param startNanos {@link System#nanoTime} when connecting began
   */
  public static void clusterConnected(String backend, String cluster, long startNanos) {
    if (!JFR || !jdk.jfr.FlightRecorder.isInitialized()) {
      return;
    }
    ClusterConnectedEvent e = new ClusterConnectedEvent();
    if (e.shouldCommit()) {
      e.backend = backend;
      e.cluster = cluster;
      e.connectTime = System.nanoTime() - startNanos;
      e.commit();
    }
  }
}
