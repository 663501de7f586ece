package org.joblib4j.spi;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.MDC;

/**
 * The caller's context, captured when a call starts and restored around its tasks wherever they
 * run: the SLF4J MDC, plus what every {@link ContextPropagator} on the classpath captures.
 * Serializable, so it travels to worker JVMs with each batch.
 */
public final class TaskContext implements Serializable {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, String> mdc;
  private final ArrayList<Captured> captured;

  private record Captured(String propagator, Serializable value) implements Serializable {}

  private TaskContext(HashMap<String, String> mdc, ArrayList<Captured> captured) {
    this.mdc = mdc;
    this.captured = captured;
  }

  /**
   * Captures the current thread's context.
   *
   * @return the context, or {@code null} when there is nothing to carry
   */
  public static TaskContext capture() {
    Map<String, String> map = MDC.getCopyOfContextMap();
    ArrayList<Captured> values = new ArrayList<>();
    for (ContextPropagator p : Propagators.ALL) {
      Serializable v = p.capture();
      if (v != null) {
        values.add(new Captured(p.getClass().getName(), v));
      }
    }
    if ((map == null || map.isEmpty()) && values.isEmpty()) {
      return null;
    }
    return new TaskContext(map == null ? null : new HashMap<>(map), values);
  }

  /**
   * Prepares the current thread for one task: installs {@code context} when there is one, and in
   * any case returns what puts the thread's MDC back once the task is done, so nothing a task
   * leaves in its MDC reaches the next task the same thread runs.
   *
   * @param context the caller's context, or {@code null} when the caller had none
   * @return what puts the thread's previous context back
   */
  public static ContextPropagator.Restored enter(TaskContext context) {
    if (context != null) {
      return context.restore();
    }
    Map<String, String> previousMdc = MDC.getCopyOfContextMap();
    return () -> putBack(previousMdc);
  }

  private static void putBack(Map<String, String> previousMdc) {
    if (previousMdc == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(previousMdc);
    }
  }

  /**
   * Installs this context in the current thread.
   *
   * @return what puts the thread's previous context back
   */
  public ContextPropagator.Restored restore() {
    Map<String, String> previousMdc = MDC.getCopyOfContextMap();
    if (mdc != null) {
      MDC.setContextMap(mdc);
    }
    List<ContextPropagator.Restored> undo = new ArrayList<>();
    for (Captured c : captured) {
      ContextPropagator p = Propagators.byName(c.propagator());
      if (p != null) {
        undo.add(p.restore(c.value()));
      }
    }
    return () -> {
      for (int i = undo.size() - 1; i >= 0; i--) {
        undo.get(i).close();
      }
      putBack(previousMdc);
    };
  }

  /** The propagators found on the classpath, loaded once. */
  private static final class Propagators {
    static final List<ContextPropagator> ALL = load();

    static List<ContextPropagator> load() {
      List<ContextPropagator> found = new ArrayList<>();
      ServiceLoader.load(ContextPropagator.class, TaskContext.class.getClassLoader()).forEach(found::add);
      return List.copyOf(found);
    }

    static ContextPropagator byName(String className) {
      for (ContextPropagator p : ALL) {
        if (p.getClass().getName().equals(className)) {
          return p;
        }
      }
      return null;
    }
  }
}
