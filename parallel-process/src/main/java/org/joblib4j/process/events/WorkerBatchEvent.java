package org.joblib4j.process.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A batch on one worker JVM: how long it waited for a worker, and its round trip there. */
@Name("org.joblib4j.WorkerBatch")
@Label("Worker JVM Batch")
@Category("joblib4j")
@Description(
    "A batch of a loky or multiprocessing pool: its worker, its wait for one, and its round trip")
@StackTrace(false)
final class WorkerBatchEvent extends Event {
  @Label("Pid")
  @Description("The worker JVM that ran it")
  long pid;

  @Label("First Task")
  long firstTask;

  @Label("Tasks")
  int tasks;

  @Label("Queue Wait")
  @Description("From its submission to the pool until it was handed to a worker")
  @Timespan(Timespan.NANOSECONDS)
  long queueWait;

  @Label("Round Trip")
  @Description(
      "From its hand-over to the worker until its answer was read: sending, running, answering")
  @Timespan(Timespan.NANOSECONDS)
  long roundTrip;
}
