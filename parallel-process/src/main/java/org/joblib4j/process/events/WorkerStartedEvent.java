package org.joblib4j.process.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A worker JVM's start, from its launch until its handshake. */
@Name("org.joblib4j.WorkerStarted")
@Label("Worker JVM Started")
@Category("joblib4j")
@Description("A worker JVM of a loky or multiprocessing pool, from its launch to its handshake")
@StackTrace(false)
final class WorkerStartedEvent extends Event {
  @Label("Pid")
  long pid;

  @Label("Start-up")
  @Description("From the launch of its process to its handshake with the pool")
  @Timespan(Timespan.NANOSECONDS)
  long startup;
}
