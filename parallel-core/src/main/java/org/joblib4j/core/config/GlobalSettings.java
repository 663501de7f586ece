package org.joblib4j.core.config;

import java.time.Duration;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Prefer;
import org.joblib4j.ReturnAs;
import org.joblib4j.internal.Setting;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.support.ConfigSource;

/**
 * The settings that configuration (system properties, environment, file) gives, parsed and checked
 * by their {@link Settings} entries. A bad value fails naming the key, where it came from, the
 * value and what is allowed.
 *
 * @param values the keys the configuration has, each parsed ({@link SettingValues#isSet} tells
 *     which)
 */
public record GlobalSettings(SettingValues values) {

  /**
   * Reads and checks every key read for each {@code Parallel}, in the table's order.
   *
   * @param source the configuration
   * @return the settings
   * @throws ParallelConfigurationException for the first bad value
   */
  public static GlobalSettings read(ConfigSource source) {
    SettingValues values = new SettingValues();
    for (Setting<?> setting : Settings.all()) {
      if (setting.readForEveryParallel()) {
        setting.readInto(source, values);
      }
    }
    return new GlobalSettings(values.frozen());
  }

  /**
   * Reads the optional cap on the CPU count.
   *
   * @param source the configuration
   * @return the cap, or {@code null}
   */
  public static Integer maxCpuCount(ConfigSource source) {
    return Settings.MAX_CPU_COUNT.read(source);
  }

  // a typed view of a few keys, as tests and diagnostics read them

  /**
   * Returns the backend's name.
   *
   * @return the name, or {@code null}
   */
  public String backend() {
    return values.get(Settings.BACKEND);
  }

  /**
   * Returns n_jobs.
   *
   * @return n_jobs, or {@code null}
   */
  public Integer nJobs() {
    return values.get(Settings.N_JOBS);
  }

  /**
   * Returns the verbosity.
   *
   * @return the verbosity, or {@code null}
   */
  public Integer verbose() {
    return values.get(Settings.VERBOSE);
  }

  /**
   * Returns the timeout.
   *
   * @return the timeout, or {@code null}
   */
  public Duration timeout() {
    return values.get(Settings.TIMEOUT);
  }

  /**
   * Returns the fixed batch size.
   *
   * @return the size, or {@code null} (auto)
   */
  public Integer batchSize() {
    return values.get(Settings.BATCH_SIZE);
  }

  /**
   * Returns the pre-dispatch expression.
   *
   * @return the expression, or {@code null}
   */
  public String preDispatch() {
    return values.get(Settings.PRE_DISPATCH);
  }

  /**
   * Returns the return mode.
   *
   * @return the mode, or {@code null}
   */
  public ReturnAs returnAs() {
    return values.get(Settings.RETURN_AS);
  }

  /**
   * Returns the hint.
   *
   * @return the hint, or {@code null}
   */
  public Prefer prefer() {
    return values.get(Settings.PREFER);
  }

  /**
   * Returns the memmapping threshold as given.
   *
   * @return the threshold, or {@code null}
   */
  public String maxNbytes() {
    return values.get(Settings.MAX_NBYTES);
  }

  /**
   * Returns the worker thread cap.
   *
   * @return the cap, or {@code null}
   */
  public Integer innerMaxNumThreads() {
    return values.get(Settings.INNER_MAX_NUM_THREADS);
  }

  /**
   * Whether every call shares one CPU budget ({@code joblib4j.cpu-budget=shared}).
   *
   * @return true when shared
   */
  public boolean sharedCpuBudget() {
    return Boolean.TRUE.equals(values.get(Settings.CPU_BUDGET));
  }
}
