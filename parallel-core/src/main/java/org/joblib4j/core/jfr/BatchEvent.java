package org.joblib4j.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One batch of a call, from its dispatch to the backend until its results (or failure) arrived. */
@Name("org.joblib4j.Batch")
@Label("Parallel Batch")
@Category("joblib4j")
@Description("A batch of tasks: dispatch to completion, with the bytes it travelled as")
@StackTrace(false)
final class BatchEvent extends Event {
  @Label("Backend")
  String backend;

  @Label("First Task")
  long firstTask;

  @Label("Tasks")
  int tasks;

  @Label("Bytes Sent")
  @Description("The batch serialized, as sent to another process (0 on threads)")
  @DataAmount
  long bytesSent;

  @Label("Bytes Received")
  @Description("Its results serialized, as received from another process (0 on threads)")
  @DataAmount
  long bytesReceived;

  @Label("Outcome")
  String outcome;
}
