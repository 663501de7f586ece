package org.joblib4j.internal;

import java.util.Objects;
import java.util.function.Function;
import org.joblib4j.ParallelConfig;

/**
 * The values a {@link ParallelConfig} scope sets, for the engine's precedence walk, without a
 * public method on {@code ParallelConfig} (which installs the reader when its class is initialized,
 * so any instance can be read).
 */
public final class ScopeSettings {
  private static volatile Function<ParallelConfig, SettingValues> reader;

  private ScopeSettings() {}

  /**
   * Installs the reader; called once, by {@code ParallelConfig}.
   *
   * @param values what a scope sets
   * @throws IllegalStateException when a reader is installed already
   */
  public static synchronized void install(Function<ParallelConfig, SettingValues> values) {
    if (reader != null) {
      throw new IllegalStateException("ScopeSettings is installed already");
    }
    reader = Objects.requireNonNull(values);
  }

  /**
   * Returns what a scope sets.
   *
   * @param config the scope's settings (every open scope merged)
   * @return the values, frozen
   */
  public static SettingValues of(ParallelConfig config) {
    return reader.apply(config);
  }
}
