package org.joblib4j.tck;

import org.slf4j.MDC;

/**
 * A task body for checking that every task starts from the caller's context, whatever the tasks
 * before it in the same batch or thread did: static, so it travels to any worker.
 */
public final class MdcLeakProbe {
  private MdcLeakProbe() {}

  /**
   * Reads the MDC first, then puts its own {@code task} key: a {@code task} value seen means a task
   * run before it leaked its MDC.
   *
   * @param x the task's input
   * @return {@code <task key seen>/<request key seen>}, {@code null/<caller's request>} when
   *     nothing leaked
   */
  public static String readsThenPutsItsTaskKey(Integer x) {
    String seen = MDC.get("task") + "/" + MDC.get("request");
    MDC.put("task", "t" + x);
    return seen;
  }
}
