package org.joblib4j.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.joblib4j.ConfigKeys;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.MmapMode;
import org.joblib4j.Prefer;
import org.joblib4j.ProgressListener;
import org.joblib4j.Require;
import org.joblib4j.RetryPolicy;
import org.joblib4j.ReturnAs;
import org.joblib4j.spi.support.ByteSizes;
import org.joblib4j.spi.support.Durations;

/**
 * Every setting of {@code Parallel}, in one table (joblib's {@code default_parallel_config}): the
 * builders ({@code Parallel.Builder}, {@code ParallelConfig.Builder}) store their values under
 * these entries, the configuration is read by walking them, and the engine resolves each one
 * through the same walk: the builder, the innermost {@code ParallelConfig} scope, the configuration
 * (system properties, environment, {@code joblib4j.properties}), the entry's default. A layer that
 * has no way to set a setting (a scope's {@code timeout}, a builder's {@code innerMaxNumThreads})
 * simply never holds it.
 *
 * <p>Adding a setting: one entry here (its key in {@link ConfigKeys} if it has one), the builder
 * method that sets it, and its use in the engine. The backend is the exception: it is a name with
 * parameters or an instance, chosen by joblib's own rules ({@code SettingsResolver}); its entry
 * here is its configuration key.
 */
public final class Settings {
  private static final List<Setting<?>> ALL = new ArrayList<>();

  /** What {@link #all} hands out: every {@code SettingValues} made asks for it. */
  private static final List<Setting<?>> VIEW = Collections.unmodifiableList(ALL);

  private Settings() {}

  /** The backend's name in the configuration; in code, the builders' {@code backend(...)}. */
  public static final Setting<String> BACKEND =
      add(
          Setting.<String>of("backend", "backend", null)
              .key(ConfigKeys.BACKEND, Settings::nonEmpty, "a backend name such as threading"));

  /** n_jobs; unset (or {@code null}) means the backend's default. */
  public static final Setting<Integer> N_JOBS =
      add(
          Setting.<Integer>of("nJobs", "n_jobs", null)
              .key(
                  ConfigKeys.N_JOBS,
                  Settings::nonZeroInteger,
                  "a non-zero integer such as 4 or -1 (-1 = all CPUs)"));

  /** joblib's verbosity. */
  public static final Setting<Integer> VERBOSE =
      add(
          Setting.of("verbose", "verbose", 0)
              .key(ConfigKeys.VERBOSE, Integer::parseInt, "an integer >= 0")
              .valid(v -> v >= 0, ">= 0"));

  /** How long the caller waits for any one result. */
  public static final Setting<Duration> TIMEOUT =
      add(
          Setting.<Duration>of("timeout", "timeout", null)
              .key(
                  ConfigKeys.TIMEOUT,
                  Settings::positiveDuration,
                  "a positive duration such as 30s, 500ms, 2m, PT30S or a number of seconds")
              .valid(Settings::positive, "positive"));

  /** A fixed batch size; {@code null} is auto. */
  public static final Setting<Integer> BATCH_SIZE =
      add(
          Setting.<Integer>of("batchSize", "batch_size", null)
              .key(
                  ConfigKeys.BATCH_SIZE, Settings::autoOrPositive, "\"auto\" or a positive integer")
              .valid(n -> n >= 1, "\"auto\" or a positive integer"));

  /** How many tasks are read ahead: {@code all}, a number or an expression of {@code n_jobs}. */
  public static final Setting<String> PRE_DISPATCH =
      add(
          Setting.of("preDispatch", "pre_dispatch", "2*n_jobs")
              .key(
                  ConfigKeys.PRE_DISPATCH,
                  Settings::preDispatch,
                  "\"all\", a positive integer or an arithmetic expression of n_jobs such as"
                      + " \"2*n_jobs\"")
              .rule("\"all\", a positive integer or an expression"));

  /** How results come back. */
  public static final Setting<ReturnAs> RETURN_AS =
      add(
          Setting.of("returnAs", "return_as", ReturnAs.LIST)
              .key(
                  ConfigKeys.RETURN_AS,
                  ReturnAs::parse,
                  "one of \"list\", \"generator\" or \"generator_unordered\""));

  /** The soft backend hint. */
  public static final Setting<Prefer> PREFER =
      add(
          Setting.<Prefer>of("prefer", "prefer", null)
              .key(ConfigKeys.PREFER, Prefer::parse, "\"threads\" or \"processes\""));

  /** The hard constraint. */
  public static final Setting<Require> REQUIRE =
      add(
          Setting.<Require>of("require", "require", null)
              .key(ConfigKeys.REQUIRE, Require::parse, "\"sharedmem\""));

  /** Where process backends memory-map large arrays; {@code null} is the default folder. */
  public static final Setting<Path> TEMP_FOLDER =
      add(
          Setting.<Path>of("tempFolder", "temp_folder", null)
              .key(
                  ConfigKeys.TEMP_FOLDER,
                  t -> t.isEmpty() ? null : Path.of(t),
                  "a folder for memory-mapped arrays"));

  /** The memmapping threshold as given ({@code "1M"}, {@code "none"}); {@code null} disables. */
  public static final Setting<String> MAX_NBYTES =
      add(
          Setting.of("maxNbytes", "max_nbytes", "1M")
              .key(
                  ConfigKeys.MAX_NBYTES,
                  Settings::byteSize,
                  "a size such as 1M, 500K, 2G, a number of bytes, or none")
              .rule(">= 0"));

  /** joblib's {@code mmap_mode}; {@code null} is joblib's {@code None}. */
  public static final Setting<MmapMode> MMAP_MODE =
      add(
          Setting.of("mmapMode", "mmap_mode", MmapMode.READ_ONLY)
              .key(
                  ConfigKeys.MMAP_MODE,
                  MmapMode::parse,
                  "one of \"r\", \"r+\", \"w+\", \"c\" or \"none\""));

  /** The thread cap inside each worker (process backends; a scope's setting, as in joblib). */
  public static final Setting<Integer> INNER_MAX_NUM_THREADS =
      add(
          Setting.<Integer>of("innerMaxNumThreads", "inner_max_num_threads", null)
              .key(ConfigKeys.INNER_MAX_NUM_THREADS, Integer::parseInt, "a positive integer")
              .valid(n -> n >= 1, "a positive integer"));

  /** One CPU budget for every call of the JVM ({@code shared}); configuration only. */
  public static final Setting<Boolean> CPU_BUDGET =
      add(
          Setting.of("cpuBudget", "cpu_budget", false)
              .key(
                  ConfigKeys.CPU_BUDGET,
                  Settings::sharedBudget,
                  "\"off\" (the default) or \"shared\" (one CPU budget for every call of the JVM)"));

  /** A cap on {@code cpuCount()}; configuration only, read by {@code cpuCount()}. */
  public static final Setting<Integer> MAX_CPU_COUNT =
      add(
          Setting.<Integer>of("maxCpuCount", "max_cpu_count", null)
              .key(ConfigKeys.MAX_CPU_COUNT, Integer::parseInt, "a positive integer")
              .valid(n -> n >= 1, "a positive integer")
              .readWhereUsed());

  /** The results' deserialization filter; configuration only, read when results arrive. */
  public static final Setting<String> DESERIALIZATION_FILTER =
      add(
          Setting.<String>of("deserializationFilter", "deserialization_filter", null)
              .key(ConfigKeys.DESERIALIZATION_FILTER, t -> t, "a jdk.serialFilter pattern")
              .readWhereUsed());

  /** A progress listener (builder only). */
  public static final Setting<ProgressListener> PROGRESS =
      add(Setting.of("progress", "progress", null));

  /** What a failing task does (builder only). */
  public static final Setting<ErrorPolicy> ERROR_POLICY =
      add(Setting.of("errorPolicy", "error_policy", ErrorPolicy.FAIL_FAST));

  /** Each task's limit from its start (builder only). */
  public static final Setting<Duration> TASK_TIMEOUT =
      add(
          Setting.<Duration>of("taskTimeout", "task_timeout", null)
              .valid(Settings::positive, "positive"));

  /**
   * Backpressure in tasks (builder only); unset is {@code Parallel.DEFAULT_MAX_PENDING_RESULTS}.
   */
  public static final Setting<Integer> MAX_PENDING_RESULTS =
      add(
          Setting.<Integer>of("maxPendingResults", "max_pending_results", null)
              .valid(n -> n >= 1, "a positive integer"));

  /** A cap on auto batching (builder only). */
  public static final Setting<Integer> MAX_BATCH_SIZE =
      add(
          Setting.<Integer>of("maxBatchSize", "max_batch_size", null)
              .valid(n -> n >= 1, "a positive integer"));

  /** Backpressure in received bytes (builder only); unset is {@code DEFAULT_MAX_PENDING_BYTES}. */
  public static final Setting<Long> MAX_PENDING_BYTES =
      add(
          Setting.<Long>of("maxPendingBytes", "max_pending_bytes", null)
              .valid(n -> n >= 1, "a positive integer"));

  /** The checkpoint folder (builder only; kept by {@code Parallel} itself). */
  public static final Setting<Path> CHECKPOINT = add(Setting.of("checkpoint", "checkpoint", null));

  /** The retry policy (builder only; kept by {@code Parallel} itself). */
  public static final Setting<RetryPolicy> RETRY = add(Setting.of("retry", "retry", null));

  /**
   * Returns every setting, in the order the configuration is read (so the first bad value is
   * reported first).
   *
   * @return the table
   */
  public static List<Setting<?>> all() {
    return VIEW;
  }

  private static <T> Setting<T> add(Setting<T> setting) {
    ALL.add(setting);
    return setting;
  }

  private static String nonEmpty(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    return text;
  }

  private static Integer nonZeroInteger(String text) {
    int n = Integer.parseInt(text);
    if (n == 0) {
      throw new IllegalArgumentException("zero");
    }
    return n;
  }

  private static Integer autoOrPositive(String text) {
    if (text.equalsIgnoreCase("auto")) {
      return null;
    }
    int n = Integer.parseInt(text);
    if (n < 1) {
      throw new IllegalArgumentException("not positive");
    }
    return n;
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  private static Duration positiveDuration(String text) {
    Duration d = Durations.parse(text);
    if (d == null || !positive(d)) {
      throw new IllegalArgumentException("not a positive duration");
    }
    return d;
  }

  private static String preDispatch(String text) {
    PreDispatch.evaluate(text, 1);
    return text;
  }

  private static String byteSize(String text) {
    ByteSizes.parse(text);
    return text;
  }

  private static Boolean sharedBudget(String text) {
    if (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("shared")) {
      return text.equalsIgnoreCase("shared");
    }
    throw new IllegalArgumentException("neither off nor shared");
  }
}
