package org.joblib4j.process.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A connection to a cluster (Dask, Ray), made for the first call that needs it. */
@Name("org.joblib4j.ClusterConnected")
@Label("Cluster Connected")
@Category("joblib4j")
@Description("A dask or ray backend connected to its cluster, or started its private one")
@StackTrace(false)
final class ClusterConnectedEvent extends Event {
  @Label("Backend")
  String backend;

  @Label("Cluster")
  @Description("The scheduler or head address, or the private cluster started")
  String cluster;

  @Label("Connect Time")
  @Timespan(Timespan.NANOSECONDS)
  long connectTime;
}
