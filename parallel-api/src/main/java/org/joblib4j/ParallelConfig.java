package org.joblib4j;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.joblib4j.internal.NestedScopes;
import org.joblib4j.internal.ScopeSettings;
import org.joblib4j.internal.Setting;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.ParallelBackend;

/**
 * joblib's {@code parallel_config} / {@code parallel_backend}: settings that every {@link Parallel}
 * created on this thread uses while the scope is open, unless the builder says otherwise. This is
 * how an application chooses the backend for a library that calls {@code Parallel} internally.
 *
 * <pre>{@code
 * try (ParallelConfig.Scope s = ParallelConfig.builder().backend("loky").nJobs(4).open()) {
 *   library.fit(data);          // every Parallel inside uses loky with 4 jobs
 * }
 * try (var s = ParallelConfig.parallelBackend("threading", 2)) { ... }
 * }</pre>
 *
 * <p>Scopes nest: an inner scope keeps what it does not set. They belong to the thread that opens
 * them and are not inherited by threads it starts (as in joblib); tasks see the backend's nested
 * configuration instead. Closing a scope restores what was in force before it.
 *
 * <p>An instance of this class is also the value of the settings in force, as {@link #current()}
 * returns them.
 */
public final class ParallelConfig {
  private static final ParallelConfig EMPTY = new Builder().snapshot();
  private static final ThreadLocal<ArrayDeque<ParallelConfig>> STACK =
      ThreadLocal.withInitial(ArrayDeque::new);

  static {
    // what the engine and batches need of a scope, without a public method (internal package)
    ScopeSettings.install(config -> config.values);
    NestedScopes.register(ParallelConfig::nested);
  }

  private final boolean backendSet;
  private final String backendName;
  private final Map<String, Object> backendParams;
  private final ParallelBackend backend;
  private final SettingValues values;
  private final Integer nestingLevel;

  private ParallelConfig(Builder b) {
    this.backendSet = b.backendSet;
    this.backendName = b.backendName;
    this.backendParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.backendParams));
    this.backend = b.backend;
    this.values = b.values.frozen();
    this.nestingLevel = b.nestingLevel;
  }

  /** A copy: each open scope is its own instance on the stack (closing finds it by identity). */
  private ParallelConfig(ParallelConfig same) {
    this.backendSet = same.backendSet;
    this.backendName = same.backendName;
    this.backendParams = same.backendParams;
    this.backend = same.backend;
    this.values = same.values;
    this.nestingLevel = same.nestingLevel;
  }

  /**
   * Starts a scope's settings.
   *
   * @return a builder; finish with {@link Builder#open()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * joblib's legacy {@code parallel_backend(name)}: the backend with {@code n_jobs=-1} (all CPUs).
   *
   * @param backendName the backend's name
   * @return the open scope
   */
  public static Scope parallelBackend(String backendName) {
    return parallelBackend(backendName, -1);
  }

  /**
   * joblib's legacy {@code parallel_backend(name, n_jobs)}.
   *
   * @param backendName the backend's name
   * @param nJobs the n_jobs
   * @return the open scope
   */
  public static Scope parallelBackend(String backendName, int nJobs) {
    return builder().backend(backendName).nJobs(nJobs).open();
  }

  /**
   * Returns the settings in force on this thread: every open scope merged, innermost winning.
   * Configuration files, system properties and the environment are not included.
   *
   * @return the settings
   */
  public static ParallelConfig current() {
    ParallelConfig top = STACK.get().peek();
    return top == null ? EMPTY : top;
  }

  /**
   * The last nested backend's own settings: every batch of a call enters the same one, so it is
   * built once per call, not per batch.
   */
  private static volatile Object[] lastNested = {null, null};

  /** Enters a task's nested configuration: what {@link NestedScopes#enter} opens. */
  private static Scope nested(NestedBackend nested) {
    Object[] last = lastNested;
    if (last[0] == nested) {
      return push((ParallelConfig) last[1]);
    }
    ParallelConfig own = nestedSettings(nested);
    if (nested.backend() == null) {
      // by name only: a backend instance must not stay reachable after its Parallel closed
      lastNested = new Object[] {nested, own};
    }
    return push(own);
  }

  private static ParallelConfig nestedSettings(NestedBackend nested) {
    Builder b = new Builder();
    if (nested.backend() != null) {
      b.backend(nested.backend());
    } else {
      b.backend(nested.backendName());
    }
    b.nJobs(nested.nJobs());
    b.nestingLevel = nested.nestingLevel();
    return b.snapshot();
  }

  private static Scope push(ParallelConfig own) {
    ArrayDeque<ParallelConfig> stack = STACK.get();
    ParallelConfig merged = current().overlay(own);
    stack.push(merged);
    return new Scope(merged, stack, Thread.currentThread());
  }

  private ParallelConfig overlay(ParallelConfig child) {
    if (this == EMPTY) {
      // nothing to keep: the usual case of a pool thread entering a batch's scope
      return new ParallelConfig(child);
    }
    Builder b = new Builder();
    b.backendSet = backendSet || child.backendSet;
    if (child.backendSet) {
      b.backendName = child.backendName;
      b.backendParams.putAll(child.backendParams);
      b.backend = child.backend;
      // a new backend without a level inherits the enclosing one (joblib)
      b.nestingLevel = child.nestingLevel != null ? child.nestingLevel : nestingLevel;
    } else {
      b.backendName = backendName;
      b.backendParams.putAll(backendParams);
      b.backend = backend;
      b.nestingLevel = child.nestingLevel != null ? child.nestingLevel : nestingLevel;
    }
    b.values = values.overlaidWith(child.values);
    if (child.backendSet && !child.values.isSet(Settings.INNER_MAX_NUM_THREADS)) {
      // a new backend does not keep the enclosing scope's thread cap (joblib)
      b.values.unset(Settings.INNER_MAX_NUM_THREADS);
    }
    return b.snapshot();
  }

  /**
   * Whether a backend is set (by name or instance).
   *
   * @return true if set
   */
  public boolean backendSet() {
    return backendSet;
  }

  /**
   * Returns the backend's name when set by name.
   *
   * @return the name, or {@code null}
   */
  public String backendName() {
    return backendName;
  }

  /**
   * Returns the parameters given with the backend's name.
   *
   * @return the parameters (empty if none)
   */
  public Map<String, Object> backendParams() {
    return backendParams;
  }

  /**
   * Returns the backend when set as an instance.
   *
   * @return the instance, or {@code null}
   */
  public ParallelBackend backend() {
    return backend;
  }

  /**
   * Whether n_jobs is set (possibly to {@code null}, which means "the backend's default").
   *
   * @return true if set
   */
  public boolean nJobsSet() {
    return values.isSet(Settings.N_JOBS);
  }

  /**
   * Returns n_jobs.
   *
   * @return the value, or {@code null}
   */
  public Integer nJobs() {
    return values.get(Settings.N_JOBS);
  }

  /**
   * Returns the verbosity.
   *
   * @return the value, or {@code null} if not set
   */
  public Integer verbose() {
    return values.get(Settings.VERBOSE);
  }

  /**
   * Whether the temp folder is set.
   *
   * @return true if set
   */
  public boolean tempFolderSet() {
    return values.isSet(Settings.TEMP_FOLDER);
  }

  /**
   * Returns the temp folder.
   *
   * @return the folder, or {@code null}
   */
  public Path tempFolder() {
    return values.get(Settings.TEMP_FOLDER);
  }

  /**
   * Whether the memmapping threshold is set.
   *
   * @return true if set
   */
  public boolean maxNbytesSet() {
    return values.isSet(Settings.MAX_NBYTES);
  }

  /**
   * Returns the memmapping threshold as given.
   *
   * @return the value, or {@code null}
   */
  public String maxNbytes() {
    return values.get(Settings.MAX_NBYTES);
  }

  /**
   * Whether {@code mmapMode} is set (possibly to {@code null}, joblib's {@code None}).
   *
   * @return true if set
   */
  public boolean mmapModeSet() {
    return values.isSet(Settings.MMAP_MODE);
  }

  /**
   * Returns the mode of the arrays a call memory-maps itself.
   *
   * @return the mode, or {@code null} (joblib's {@code None}, or not set)
   */
  public MmapMode mmapMode() {
    return values.get(Settings.MMAP_MODE);
  }

  /**
   * Returns the soft hint.
   *
   * @return the hint, or {@code null}
   */
  public Prefer prefer() {
    return values.get(Settings.PREFER);
  }

  /**
   * Returns the hard constraint.
   *
   * @return the constraint, or {@code null}
   */
  public Require require() {
    return values.get(Settings.REQUIRE);
  }

  /**
   * Returns the thread cap for worker processes.
   *
   * @return the cap, or {@code null}
   */
  public Integer innerMaxNumThreads() {
    return values.get(Settings.INNER_MAX_NUM_THREADS);
  }

  /**
   * Returns the nesting level of the configured backend.
   *
   * @return the level, or {@code null} when not set (top level)
   */
  public Integer nestingLevel() {
    return nestingLevel;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("ParallelConfig[");
    if (backendSet) {
      s.append("backend=")
          .append(backendName != null ? backendName : backend.getClass().getSimpleName())
          .append(backendParams.isEmpty() ? "" : backendParams.toString())
          .append(", ");
    }
    for (Setting<?> setting :
        List.of(
            Settings.N_JOBS,
            Settings.VERBOSE,
            Settings.PREFER,
            Settings.REQUIRE,
            Settings.INNER_MAX_NUM_THREADS)) {
      if (values.isSet(setting)) {
        s.append(setting.javaName()).append('=').append(values.get(setting)).append(", ");
      }
    }
    if (nestingLevel != null) {
      s.append("nestingLevel=").append(nestingLevel).append(", ");
    }
    if (s.charAt(s.length() - 1) == ' ') {
      s.setLength(s.length() - 2);
    }
    return s.append(']').toString();
  }

  /** An open scope; closing it restores the settings that were in force before it. */
  public static final class Scope implements AutoCloseable {
    private final ParallelConfig config;
    private final ArrayDeque<ParallelConfig> stack;
    private final Thread owner;
    private boolean closed;

    private Scope(ParallelConfig config, ArrayDeque<ParallelConfig> stack, Thread owner) {
      this.config = config;
      this.stack = stack;
      this.owner = owner;
    }

    /**
     * Returns the settings in force inside this scope.
     *
     * @return the merged settings
     */
    public ParallelConfig config() {
      return config;
    }

    /** joblib's {@code unregister()}: the same as {@link #close()}. */
    public void unregister() {
      close();
    }

    /**
     * Restores the settings in force before this scope (and closes scopes opened inside it that are
     * still open). Idempotent.
     *
     * @throws IllegalStateException when called on another thread than the one that opened it
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException(
            "A ParallelConfig scope must be closed on the thread that opened it ("
                + owner.getName()
                + "), not on "
                + Thread.currentThread().getName()
                + ".");
      }
      closed = true;
      boolean present = false;
      for (ParallelConfig c : stack) {
        if (c == config) {
          present = true;
          break;
        }
      }
      if (present) {
        while (stack.pop() != config) {
          // drop scopes left open inside this one
        }
      }
    }
  }

  /** Builds a scope's settings. Unset fields keep the enclosing scope's values. */
  public static final class Builder {
    private boolean backendSet;
    private String backendName;
    private final Map<String, Object> backendParams = new LinkedHashMap<>();
    private ParallelBackend backend;
    private SettingValues values = new SettingValues();
    private Integer nestingLevel;

    private Builder() {}

    /**
     * Selects a backend by name.
     *
     * @param name the name
     * @return this
     */
    public Builder backend(String name) {
      this.backendSet = true;
      this.backendName = Objects.requireNonNull(name, "backend name");
      this.backend = null;
      return this;
    }

    /**
     * Selects a backend by name, with constructor parameters (joblib's {@code **backend_params}).
     *
     * @param name the name
     * @param params the parameters
     * @return this
     */
    public Builder backend(String name, Map<String, ?> params) {
      backend(name);
      this.backendParams.putAll(params);
      return this;
    }

    /**
     * Uses a backend instance as it is.
     *
     * @param instance the backend
     * @return this
     */
    public Builder backend(ParallelBackend instance) {
      this.backendSet = true;
      this.backend = Objects.requireNonNull(instance, "backend");
      this.backendName = null;
      return this;
    }

    /**
     * Adds one backend parameter.
     *
     * @param key the parameter's key
     * @param value its value
     * @return this
     */
    public Builder backendParam(String key, Object value) {
      this.backendParams.put(key, value);
      return this;
    }

    /**
     * Sets n_jobs; {@code null} resets it to the backend's default (joblib #1473).
     *
     * @param nJobs the value
     * @return this
     */
    public Builder nJobs(Integer nJobs) {
      values.set(Settings.N_JOBS, nJobs);
      return this;
    }

    /**
     * Sets the verbosity.
     *
     * @param verbose the value, &gt;= 0
     * @return this
     */
    public Builder verbose(int verbose) {
      values.set(Settings.VERBOSE, Settings.VERBOSE.checked(verbose));
      return this;
    }

    /**
     * Sets the folder for memory-mapped arrays.
     *
     * @param folder the folder, or {@code null} for the default
     * @return this
     */
    public Builder tempFolder(Path folder) {
      values.set(Settings.TEMP_FOLDER, folder);
      return this;
    }

    /**
     * Sets the memmapping threshold ({@code "1M"}, {@code "500K"}, a number of bytes, or {@code
     * null} to disable).
     *
     * @param maxNbytes the threshold
     * @return this
     */
    public Builder maxNbytes(String maxNbytes) {
      values.set(Settings.MAX_NBYTES, maxNbytes);
      return this;
    }

    /**
     * Sets joblib's {@code mmap_mode} ({@link Parallel.Builder#mmapMode(MmapMode)}).
     *
     * @param mode the mode, or {@code null} for joblib's {@code None}
     * @return this
     */
    public Builder mmapMode(MmapMode mode) {
      values.set(Settings.MMAP_MODE, mode);
      return this;
    }

    /**
     * Sets joblib's {@code mmap_mode} from its spelling ({@link MmapMode#parse}).
     *
     * @param mode {@code "r"}, {@code "r+"}, {@code "w+"}, {@code "c"}, or {@code null} / {@code
     *     "none"} for joblib's {@code None}
     * @return this
     * @throws IllegalArgumentException naming the accepted values
     */
    public Builder mmapMode(String mode) {
      return mmapMode(MmapMode.parse(mode));
    }

    /**
     * Sets the soft hint.
     *
     * @param prefer the hint
     * @return this
     */
    public Builder prefer(Prefer prefer) {
      values.setOrUnset(Settings.PREFER, prefer);
      return this;
    }

    /**
     * Sets the soft hint from joblib's spelling.
     *
     * @param prefer {@code "threads"} or {@code "processes"}
     * @return this
     */
    public Builder prefer(String prefer) {
      return prefer(Prefer.parse(prefer));
    }

    /**
     * Sets the hard constraint.
     *
     * @param require the constraint
     * @return this
     */
    public Builder require(Require require) {
      values.setOrUnset(Settings.REQUIRE, require);
      return this;
    }

    /**
     * Sets the hard constraint from joblib's spelling.
     *
     * @param require {@code "sharedmem"}
     * @return this
     */
    public Builder require(String require) {
      return require(Require.parse(require));
    }

    /**
     * Caps the threads each worker process may use (process backends only).
     *
     * @param threads the cap, &gt;= 1
     * @return this
     */
    public Builder innerMaxNumThreads(int threads) {
      values.set(Settings.INNER_MAX_NUM_THREADS, Settings.INNER_MAX_NUM_THREADS.checked(threads));
      return this;
    }

    private ParallelConfig snapshot() {
      return new ParallelConfig(this);
    }

    /**
     * Validates the settings and opens the scope on the current thread.
     *
     * @return the scope; close it to restore the previous settings
     * @throws IllegalArgumentException for an unknown backend, parameters without a backend name,
     *     or an option the backend does not accept
     */
    public Scope open() {
      if (!backendSet
          && (values.isSet(Settings.INNER_MAX_NUM_THREADS) || !backendParams.isEmpty())) {
        throw new IllegalArgumentException(
            "innerMaxNumThreads and other constructor parameters backendParams are only"
                + " supported when backend is not null.");
      }
      if (backend != null && !backendParams.isEmpty()) {
        throw new IllegalArgumentException(
            "Constructor parameters backendParams are only supported when backend is a"
                + " string.");
      }
      if (values.get(Settings.PREFER) == Prefer.PROCESSES
          && values.get(Settings.REQUIRE) == Require.SHAREDMEM) {
        throw new IllegalArgumentException(
            "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
      }
      ParallelConfig own = snapshot();
      Engines.get().checkScope(own, current());
      return push(own);
    }
  }
}
