package org.joblib4j;

/**
 * Every configuration key joblib4j reads, in one place.
 *
 * <p>Precedence, highest first: the {@link Parallel.Builder}; the innermost open {@link
 * ParallelConfig} scope of the current thread; JVM system properties; environment variables; the
 * first {@code joblib4j.properties} on the classpath; the built-in defaults. An environment
 * variable is the key in upper case with {@code .} and {@code -} turned into {@code _}: {@code
 * JOBLIB4J_N_JOBS} is {@code joblib4j.n-jobs}. A bad value fails when it is read, naming the key,
 * the value and what is allowed.
 *
 * <pre>
 * java -Djoblib4j.backend=threading -Djoblib4j.n-jobs=4 -jar app.jar
 * JOBLIB4J_BACKEND=sequential java -jar app.jar
 * # src/main/resources/joblib4j.properties
 * joblib4j.backend=threading
 * joblib4j.backend.dask.scheduler=tcp://10.0.0.5:8786
 * </pre>
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** The backend's name ({@code threading}, {@code sequential}, {@code loky}, ...). */
  public static final String BACKEND = "joblib4j.backend";

  /**
   * n_jobs: a non-zero integer; negative counts back from the CPU count ({@code -1} = all). Unset:
   * the backend's default (1 for local backends).
   */
  public static final String N_JOBS = "joblib4j.n-jobs";

  /** joblib's verbosity, an integer &gt;= 0 (0 = silent; &gt;= 50 prints to stdout). */
  public static final String VERBOSE = "joblib4j.verbose";

  /** The call timeout: {@code 30s}, {@code 500ms}, {@code 2m}, {@code PT30S} or seconds. */
  public static final String TIMEOUT = "joblib4j.timeout";

  /** The batch size: {@code auto} (default) or a positive integer. */
  public static final String BATCH_SIZE = "joblib4j.batch-size";

  /** How many tasks to read ahead: {@code all}, an integer or an expression of {@code n_jobs}. */
  public static final String PRE_DISPATCH = "joblib4j.pre-dispatch";

  /** The return mode: {@code list}, {@code generator} or {@code generator_unordered}. */
  public static final String RETURN_AS = "joblib4j.return-as";

  /** The soft backend hint: {@code threads} or {@code processes}. */
  public static final String PREFER = "joblib4j.prefer";

  /** The hard constraint: {@code sharedmem}. */
  public static final String REQUIRE = "joblib4j.require";

  /** Where process backends memory-map large arrays. */
  public static final String TEMP_FOLDER = "joblib4j.temp-folder";

  /**
   * The size above which arrays are memory-mapped: {@code 1M}, {@code 500K}, bytes or {@code none}.
   */
  public static final String MAX_NBYTES = "joblib4j.max-nbytes";

  /**
   * joblib's {@code mmap_mode} for the arrays a call memory-maps itself: {@code r} (default),
   * {@code r+}, {@code w+}, {@code c} or {@code none} ({@link MmapMode}).
   */
  public static final String MMAP_MODE = "joblib4j.mmap-mode";

  /** The thread cap inside each worker process (process backends). */
  public static final String INNER_MAX_NUM_THREADS = "joblib4j.inner-max-num-threads";

  /** A cap on {@link Parallel#cpuCount()}, as loky's {@code LOKY_MAX_CPU_COUNT}. */
  public static final String MAX_CPU_COUNT = "joblib4j.max-cpu-count";

  /**
   * One CPU budget for every call in the JVM: {@code off} (default, joblib's behaviour: nested
   * calls multiply) or {@code shared} (a call made inside a task gets the CPUs its parent left that
   * task, and worker JVMs their share as thread limit). Read from system properties, the
   * environment and {@code joblib4j.properties} only: every call of the JVM must take part, so a
   * builder or scope cannot opt one call out.
   */
  public static final String CPU_BUDGET = "joblib4j.cpu-budget";

  /**
   * An {@link java.io.ObjectInputFilter} pattern ({@code jdk.serialFilter} syntax) that results and
   * task exceptions from worker JVMs and clusters must also pass, on top of joblib4j's built-in
   * deny-list and the JVM-wide {@code jdk.serialFilter}: an allow-list such as {@code
   * java.base/*;com.acme.**;org.joblib4j.**;!*} is the strictest. Read when results arrive, from
   * system properties, the environment and {@code joblib4j.properties}.
   */
  public static final String DESERIALIZATION_FILTER = "joblib4j.deserialization-filter";

  /** The prefix of backend parameters: {@code joblib4j.backend.<name>.<key>}. */
  public static final String BACKEND_PARAM_PREFIX = "joblib4j.backend.";

  /** The classpath resource read as the lowest-priority configuration source. */
  public static final String PROPERTIES_RESOURCE = "joblib4j.properties";

  /**
   * Returns the environment variable that stands for a key.
   *
   * @param key a key such as {@code joblib4j.n-jobs}
   * @return the variable, such as {@code JOBLIB4J_N_JOBS}
   */
  public static String envName(String key) {
    return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
