package org.joblib4j.it.scenario;

import java.util.concurrent.Callable;

/**
 * Prints what a scenario observed, one line each, to stdout (the same stream logback writes to, so
 * log lines and results keep their order). Loaded in child JVMs: it uses only the JDK.
 */
public final class Report {
  private Report() {}

  /**
   * Prints {@code key=value}.
   *
   * @param key what was observed
   * @param value its value
   */
  public static void line(String key, Object value) {
    System.out.println(key + "=" + value);
  }

  /**
   * Runs an action and prints {@code label: result}, or {@code label: threw <class>: <message>}.
   *
   * @param label what is attempted
   * @param action the action
   */
  public static void attempt(String label, Callable<?> action) {
    try {
      System.out.println(label + ": " + action.call());
    } catch (Throwable t) {
      System.out.println(label + ": threw " + t.getClass().getName() + ": " + t.getMessage());
    }
  }
}
