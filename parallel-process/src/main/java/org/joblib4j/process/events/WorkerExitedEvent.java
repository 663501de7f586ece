package org.joblib4j.process.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A worker JVM's exit. */
@Name("org.joblib4j.WorkerExited")
@Label("Worker JVM Exited")
@Category("joblib4j")
@Description("A worker JVM of a loky or multiprocessing pool ended: why, and its exit status")
@StackTrace(false)
final class WorkerExitedEvent extends Event {
  @Label("Pid")
  long pid;

  @Label("Cause")
  @Description("retired (asked to exit), killed (by the pool), died, or failed to start")
  String cause;

  @Label("Exit Status")
  int exitStatus;
}
