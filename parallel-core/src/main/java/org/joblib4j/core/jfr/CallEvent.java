package org.joblib4j.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One {@code Parallel} call, from its start to its end. */
@Name("org.joblib4j.Call")
@Label("Parallel Call")
@Category("joblib4j")
@Description("A Parallel call: its backend, workers, tasks and outcome")
@StackTrace(false)
final class CallEvent extends Event {
  @Label("Backend")
  String backend;

  @Label("Workers")
  @Description("The call's effective n_jobs")
  int workers;

  @Label("Tasks")
  @Description("The tasks the call ran (its input's size when the call failed early)")
  long tasks;

  @Label("Outcome")
  @Description("success, or the failure's class and message")
  String outcome;
}
