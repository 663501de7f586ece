package org.joblib4j.core.config;

import java.nio.file.Path;
import java.time.Duration;
import org.joblib4j.ConfigKeys;
import org.joblib4j.MmapMode;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Prefer;
import org.joblib4j.Require;
import org.joblib4j.ReturnAs;
import org.joblib4j.spi.support.ByteSizes;
import org.joblib4j.spi.support.ConfigSource;
import org.joblib4j.spi.support.Durations;

/**
 * The settings that configuration (system properties, environment, file) gives, parsed and checked.
 * A bad value fails naming the key, where it came from, the value and what is allowed.
 *
 * @param backend the backend's name, or {@code null}
 * @param nJobs n_jobs, or {@code null}
 * @param verbose the verbosity, or {@code null}
 * @param timeout the timeout, or {@code null}
 * @param batchSize a fixed batch size, or {@code null} (auto)
 * @param preDispatch the pre-dispatch expression, or {@code null}
 * @param returnAs the return mode, or {@code null}
 * @param prefer the hint, or {@code null}
 * @param require the constraint, or {@code null}
 * @param tempFolder the temp folder, or {@code null}
 * @param maxNbytes the memmapping threshold as given, or {@code null}
 * @param mmapMode the memmapping mode as given ({@code r}, {@code none}), or {@code null}
 * @param innerMaxNumThreads the worker thread cap, or {@code null}
 * @param sharedCpuBudget whether every call shares one CPU budget ({@code joblib4j.cpu-budget})
 */
public record GlobalSettings(
    String backend,
    Integer nJobs,
    Integer verbose,
    Duration timeout,
    Integer batchSize,
    String preDispatch,
    ReturnAs returnAs,
    Prefer prefer,
    Require require,
    Path tempFolder,
    String maxNbytes,
    String mmapMode,
    Integer innerMaxNumThreads,
    boolean sharedCpuBudget) {

  /**
   * Reads and checks every key.
   *
   * @param source the configuration
   * @return the settings
   * @throws ParallelConfigurationException for the first bad value
   */
  public static GlobalSettings read(ConfigSource source) {
    Reader r = new Reader(source);
    String backend = r.text(ConfigKeys.BACKEND);
    if (backend != null && backend.isEmpty()) {
      throw r.invalid(ConfigKeys.BACKEND, backend, "a backend name such as threading");
    }
    Integer nJobs =
        r.integer(ConfigKeys.N_JOBS, "a non-zero integer such as 4 or -1 (-1 = all CPUs)", true);
    Integer verbose = r.integer(ConfigKeys.VERBOSE, "an integer >= 0", false);
    if (verbose != null && verbose < 0) {
      throw r.invalid(ConfigKeys.VERBOSE, verbose.toString(), "an integer >= 0");
    }
    Duration timeout = r.duration(ConfigKeys.TIMEOUT);
    Integer batchSize = null;
    String bs = r.text(ConfigKeys.BATCH_SIZE);
    if (bs != null && !bs.equalsIgnoreCase("auto")) {
      try {
        batchSize = Integer.parseInt(bs);
      } catch (NumberFormatException e) {
        batchSize = 0;
      }
      if (batchSize < 1) {
        throw r.invalid(ConfigKeys.BATCH_SIZE, bs, "\"auto\" or a positive integer");
      }
    }
    String preDispatch = r.text(ConfigKeys.PRE_DISPATCH);
    if (preDispatch != null) {
      try {
        PreDispatch.evaluate(preDispatch, 1);
      } catch (IllegalArgumentException e) {
        throw r.invalid(
            ConfigKeys.PRE_DISPATCH,
            preDispatch,
            "\"all\", a positive integer or an arithmetic expression of n_jobs such as \"2*n_jobs\"");
      }
    }
    ReturnAs returnAs = null;
    String ra = r.text(ConfigKeys.RETURN_AS);
    if (ra != null) {
      try {
        returnAs = ReturnAs.parse(ra);
      } catch (IllegalArgumentException e) {
        throw r.invalid(
            ConfigKeys.RETURN_AS, ra, "one of \"list\", \"generator\" or \"generator_unordered\"");
      }
    }
    Prefer prefer = null;
    String pf = r.text(ConfigKeys.PREFER);
    if (pf != null) {
      try {
        prefer = Prefer.parse(pf);
      } catch (IllegalArgumentException e) {
        throw r.invalid(ConfigKeys.PREFER, pf, "\"threads\" or \"processes\"");
      }
    }
    Require require = null;
    String rq = r.text(ConfigKeys.REQUIRE);
    if (rq != null) {
      try {
        require = Require.parse(rq);
      } catch (IllegalArgumentException e) {
        throw r.invalid(ConfigKeys.REQUIRE, rq, "\"sharedmem\"");
      }
    }
    String tf = r.text(ConfigKeys.TEMP_FOLDER);
    Path tempFolder = tf == null || tf.isEmpty() ? null : Path.of(tf);
    String maxNbytes =
        r.checked(
            ConfigKeys.MAX_NBYTES,
            ByteSizes::parse,
            "a size such as 1M, 500K, 2G, a number of bytes, or none");
    String mmapMode =
        r.checked(
            ConfigKeys.MMAP_MODE,
            MmapMode::parse,
            "one of \"r\", \"r+\", \"w+\", \"c\" or \"none\"");
    Integer inner = r.integer(ConfigKeys.INNER_MAX_NUM_THREADS, "a positive integer", false);
    if (inner != null && inner < 1) {
      throw r.invalid(ConfigKeys.INNER_MAX_NUM_THREADS, inner.toString(), "a positive integer");
    }
    String budget = r.text(ConfigKeys.CPU_BUDGET);
    if (budget != null && !budget.equalsIgnoreCase("off") && !budget.equalsIgnoreCase("shared")) {
      throw r.invalid(
          ConfigKeys.CPU_BUDGET,
          budget,
          "\"off\" (the default) or \"shared\" (one CPU budget for every call of the JVM)");
    }
    return new GlobalSettings(
        backend,
        nJobs,
        verbose,
        timeout,
        batchSize,
        preDispatch,
        returnAs,
        prefer,
        require,
        tempFolder,
        maxNbytes,
        mmapMode,
        inner,
        budget != null && budget.equalsIgnoreCase("shared"));
  }

  /**
   * Reads the optional cap on the CPU count.
   *
   * @param source the configuration
   * @return the cap, or {@code null}
   */
  public static Integer maxCpuCount(ConfigSource source) {
    Reader r = new Reader(source);
    Integer cap = r.integer(ConfigKeys.MAX_CPU_COUNT, "a positive integer", false);
    if (cap != null && cap < 1) {
      throw r.invalid(ConfigKeys.MAX_CPU_COUNT, cap.toString(), "a positive integer");
    }
    return cap;
  }

  private static final class Reader {
    private final ConfigSource source;

    Reader(ConfigSource source) {
      this.source = source;
    }

    String text(String key) {
      String v = source.get(key);
      return v == null ? null : v.trim();
    }

    /** The text of a key that {@code parse} accepts, or {@code null}; else the key's error. */
    String checked(String key, java.util.function.Function<String, ?> parse, String allowed) {
      String v = text(key);
      if (v != null) {
        try {
          parse.apply(v);
        } catch (IllegalArgumentException e) {
          throw invalid(key, v, allowed);
        }
      }
      return v;
    }

    Integer integer(String key, String allowed, boolean nonZero) {
      String v = text(key);
      if (v == null) {
        return null;
      }
      try {
        int n = Integer.parseInt(v);
        if (nonZero && n == 0) {
          throw invalid(key, v, allowed);
        }
        return n;
      } catch (NumberFormatException e) {
        throw invalid(key, v, allowed);
      }
    }

    Duration duration(String key) {
      String v = text(key);
      if (v == null) {
        return null;
      }
      Duration d = Durations.parse(v);
      if (d == null || d.isZero() || d.isNegative()) {
        throw invalid(
            key, v, "a positive duration such as 30s, 500ms, 2m, PT30S or a number of seconds");
      }
      return d;
    }

    ParallelConfigurationException invalid(String key, String value, String allowed) {
      String origin = source.origin(key);
      return new ParallelConfigurationException(
          "Invalid value '"
              + value
              + "' for "
              + key
              + (origin.equals(key) ? "" : " (from " + origin + ")")
              + ": must be "
              + allowed
              + ".");
    }
  }
}
