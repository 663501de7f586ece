package org.joblib4j.core.engine;

import org.joblib4j.MmapMode;
import org.joblib4j.ReturnAs;
import org.joblib4j.internal.Setting;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.ParallelBackend;

/**
 * Every setting of one {@code Parallel} after resolution (builder, scope, configuration, defaults):
 * the backend chosen by joblib's rules and each {@link Settings} entry's value ({@link #get}).
 *
 * @param backend the backend instance
 * @param backendName its name
 * @param nJobs the requested n_jobs (the backend's default when nothing set it)
 * @param nestingLevel the nesting level
 * @param values every entry of the table, resolved
 * @param maxNbytes the memmapping threshold in bytes, or {@code null} when disabled
 * @param cpuBudget the JVM's CPU budget when {@code joblib4j.cpu-budget=shared}, else {@code null}
 */
public record ResolvedParallel(
    ParallelBackend backend,
    String backendName,
    int nJobs,
    int nestingLevel,
    SettingValues values,
    Long maxNbytes,
    CpuBudget cpuBudget) {

  /**
   * Returns a setting's resolved value.
   *
   * @param setting the setting
   * @param <T> its type
   * @return the value
   */
  public <T> T get(Setting<T> setting) {
    return values.get(setting);
  }

  // the values the engine's tests read by name

  /**
   * Returns the verbosity.
   *
   * @return the verbosity
   */
  public int verbose() {
    return get(Settings.VERBOSE);
  }

  /**
   * Returns the return mode.
   *
   * @return the mode
   */
  public ReturnAs returnAs() {
    return get(Settings.RETURN_AS);
  }

  /**
   * Returns the pre-dispatch expression.
   *
   * @return the expression
   */
  public String preDispatch() {
    return get(Settings.PRE_DISPATCH);
  }

  /**
   * Returns the fixed batch size.
   *
   * @return the size, or {@code null} for auto
   */
  public Integer batchSize() {
    return get(Settings.BATCH_SIZE);
  }

  /**
   * Returns the mode of the arrays the call memory-maps.
   *
   * @return the mode, or {@code null} (joblib's None)
   */
  public MmapMode mmapMode() {
    return get(Settings.MMAP_MODE);
  }
}
