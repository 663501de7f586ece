package org.joblib4j.spi;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

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
    Map<String, String> map = Mdc.copy();
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
   * Opens the context a batch's tasks run in; {@link BatchScope#afterTask()} puts it back after
   * each task, so nothing a task leaves in its MDC or its propagated state reaches the next task.
   *
   * @param context the caller's context, or {@code null} when the caller had none
   * @return the scope; closing it puts the thread's previous context back
   */
  public static BatchScope forBatch(TaskContext context) {
    return new BatchScope(context);
  }

  /**
   * The context around one batch's tasks. Per task it costs one MDC reset (none while a task leaves
   * an empty MDC empty) plus the propagators' own restore, instead of a full install.
   */
  public static final class BatchScope implements AutoCloseable {
    private final TaskContext context;
    private final Map<String, String> previousMdc;
    private final Map<String, String> taskMdc;
    private ContextPropagator.Restored propagated;

    private BatchScope(TaskContext context) {
      this.context = context;
      this.previousMdc = Mdc.copy();
      this.taskMdc = context != null && context.mdc != null ? context.mdc : previousMdc;
      if (taskMdc != previousMdc) {
        Mdc.set(taskMdc);
      }
    }

    /** Installs the caller's propagated state for the next task. */
    public void beforeTask() {
      if (context != null && !context.captured.isEmpty()) {
        propagated = context.propagate();
      }
    }

    /** Undoes what the task changed: the next task starts as the first one did. */
    public void afterTask() {
      if (propagated != null) {
        propagated.close();
        propagated = null;
      }
      putBack(taskMdc);
    }

    @Override
    public void close() {
      if (propagated != null) {
        propagated.close();
        propagated = null;
      }
      putBack(previousMdc);
    }
  }

  private static void putBack(Map<String, String> mdc) {
    Mdc.set(mdc);
  }

  /**
   * Installs this context in the current thread.
   *
   * @return what puts the thread's previous context back
   */
  public ContextPropagator.Restored restore() {
    Map<String, String> previousMdc = Mdc.copy();
    if (mdc != null) {
      Mdc.set(mdc);
    }
    ContextPropagator.Restored undo = propagate();
    return () -> {
      undo.close();
      putBack(previousMdc);
    };
  }

  /** Installs what the propagators captured; the result undoes it, last first. */
  private ContextPropagator.Restored propagate() {
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
    };
  }

  /** The propagators found on the classpath, loaded once. */
  private static final class Propagators {
    static final List<ContextPropagator> ALL = load();

    static List<ContextPropagator> load() {
      List<ContextPropagator> found = new ArrayList<>();
      ServiceLoader.load(ContextPropagator.class, TaskContext.class.getClassLoader())
          .forEach(found::add);
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
