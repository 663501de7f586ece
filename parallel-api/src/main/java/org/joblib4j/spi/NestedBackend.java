package org.joblib4j.spi;

import java.io.Serializable;
import java.util.Objects;

/**
 * The backend (and n_jobs) that {@code Parallel} calls made inside a task use: joblib's {@code
 * get_nested_backend()} pair. It travels with each {@link Batch}, so it is serializable: a backend
 * is named, or given as a serializable instance.
 */
public final class NestedBackend implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String backendName;
  private final ParallelBackend backend;
  private final Integer nJobs;
  private final int nestingLevel;

  private NestedBackend(String backendName, ParallelBackend backend, Integer nJobs, int level) {
    this.backendName = backendName;
    this.backend = backend;
    this.nJobs = nJobs;
    this.nestingLevel = level;
  }

  /**
   * A backend selected by name.
   *
   * @param backendName the name
   * @param nJobs the n_jobs inner calls see, or {@code null} for the backend's default
   * @param nestingLevel the level inner calls run at
   * @return the nested backend
   */
  public static NestedBackend named(String backendName, Integer nJobs, int nestingLevel) {
    return new NestedBackend(Objects.requireNonNull(backendName), null, nJobs, nestingLevel);
  }

  /**
   * A given backend instance (it must be serializable for process backends).
   *
   * @param backend the instance
   * @param nJobs the n_jobs inner calls see, or {@code null} for the backend's default
   * @param nestingLevel the level inner calls run at
   * @return the nested backend
   */
  public static NestedBackend of(ParallelBackend backend, Integer nJobs, int nestingLevel) {
    return new NestedBackend(null, Objects.requireNonNull(backend), nJobs, nestingLevel);
  }

  /**
   * joblib's default: {@code threading} at level 1, {@code sequential} below.
   *
   * @param nestingLevel the level of the backend whose tasks nest
   * @return the nested backend
   */
  public static NestedBackend defaultFor(int nestingLevel) {
    int level = nestingLevel + 1;
    return named(level == 1 ? "threading" : "sequential", null, level);
  }

  /**
   * Returns the name, when selected by name.
   *
   * @return the name, or {@code null}
   */
  public String backendName() {
    return backendName;
  }

  /**
   * Returns the instance, when given as one.
   *
   * @return the instance, or {@code null}
   */
  public ParallelBackend backend() {
    return backend;
  }

  /**
   * Returns the n_jobs inner calls see.
   *
   * @return the value, or {@code null} for the backend's default
   */
  public Integer nJobs() {
    return nJobs;
  }

  /**
   * Returns the nesting level of inner calls.
   *
   * @return the level
   */
  public int nestingLevel() {
    return nestingLevel;
  }

  @Override
  public String toString() {
    return "NestedBackend["
        + (backendName != null ? backendName : backend.getClass().getSimpleName())
        + ", nJobs="
        + nJobs
        + ", level="
        + nestingLevel
        + "]";
  }
}
