package org.joblib4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import org.joblib4j.internal.ParallelExecution;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.ParallelBackend;

/**
 * Runs many independent tasks in parallel: joblib's {@code Parallel}.
 *
 * <pre>{@code
 * import static org.joblib4j.Parallel.delayed;
 *
 * // joblib: Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))
 * List<Double> r = Parallel.builder().nJobs(2).build()
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
 *
 * List<Integer> sq = Parallel.builder().nJobs(-1).build().map(x -> x * x, List.of(1, 2, 3));
 *
 * // reuse one pool for several calls (joblib's `with Parallel(...) as p`)
 * try (Parallel p = Parallel.builder().nJobs(2).build()) {
 *   p.run(a);
 *   p.run(b);
 * }
 * }</pre>
 *
 * <p>Building resolves the settings as joblib's constructor does (builder, then the current {@link
 * ParallelConfig} scope, then configuration, then defaults), so {@link #backendName()}, {@link
 * #nJobs()} and {@link #nestingLevel()} tell a library what it was given. The input is read lazily
 * ({@code preDispatch} tasks ahead). Results come back in input order (or completion order with
 * {@link ReturnAs#GENERATOR_UNORDERED}). The first failing task stops the call: queued work is
 * dropped, running work aborted, and the task's exception is rethrown as itself (a checked one
 * wrapped in {@link TaskFailedException}), with the task's index recorded in a suppressed
 * exception.
 *
 * <p>An instance runs one call at a time; it keeps its backend's workers between calls until {@link
 * #close()}.
 */
public final class Parallel implements AutoCloseable {
  /** Releases the workers of a Parallel that was never closed once it is unreachable. */
  private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

  /**
   * The most tasks a call holds between reading them from the input and handing their results to
   * the consumer, when {@link Builder#maxPendingResults} is not set: auto batching makes batches of
   * tiny tasks grow large, and without a bound a lazy input would be read far ahead of a slow
   * consumer.
   */
  public static final int DEFAULT_MAX_PENDING_RESULTS = 65_536;

  /**
   * The most bytes of tasks a call reads ahead, and of results it holds received from worker
   * processes and not yet handed to the consumer before it stops reading the input, when {@link
   * Builder#maxPendingBytes} is not set: 256 MiB, or a quarter of the caller's heap ({@code
   * Runtime.maxMemory()}) if that is less, so that what is held, and its serialized copies, fit in
   * a small heap.
   */
  public static final long DEFAULT_MAX_PENDING_BYTES = 256L << 20;

  private final ParallelExecution execution;
  private final Path checkpoint;
  private final RetryPolicy retry;

  private Parallel(ParallelExecution execution, Path checkpoint, RetryPolicy retry) {
    this.execution = execution;
    this.checkpoint = checkpoint;
    this.retry = retry;
    CLEANER.register(this, execution::release);
  }

  /**
   * The input as the engine gets it: with a checkpoint, each task records its result (its identity
   * taken from the task as given); with a retry policy, each runs again on failure (the record is
   * then written once, by the attempt that succeeds).
   */
  private Iterator<? extends Task<?>> input(Iterator<? extends Task<?>> tasks) {
    Iterator<? extends Task<?>> in =
        checkpoint == null ? tasks : Engines.get().checkpointed(tasks, checkpoint);
    return retry == null ? in : Engines.get().retried(in, retry);
  }

  /**
   * Starts a builder.
   *
   * @return a builder with nothing set
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- delayed

  /**
   * joblib's {@code delayed(f)()}: a task that calls {@code f}.
   *
   * @param f the function
   * @param <R> the result type
   * @return the task
   */
  public static <R> DelayedCall<R> delayed(Task<R> f) {
    return new DelayedCall<>(f);
  }

  /**
   * joblib's {@code delayed(f)(a)}: a task that calls {@code f(a)}.
   *
   * @param f the function
   * @param a the argument
   * @param <A> the argument type
   * @param <R> the result type
   * @return the task
   */
  public static <A, R> DelayedCall<R> delayed(TaskFunction<A, R> f, A a) {
    return new DelayedCall<>(f, a);
  }

  /**
   * joblib's {@code delayed(f)(a, b)}.
   *
   * @param f the function
   * @param a the first argument
   * @param b the second argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the task
   */
  public static <A, B, R> DelayedCall<R> delayed(TaskBiFunction<A, B, R> f, A a, B b) {
    return new DelayedCall<>(f, a, b);
  }

  /**
   * joblib's {@code delayed(f)(a, b, c)}.
   *
   * @param f the function
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <R> the result type
   * @return the task
   */
  public static <A, B, C, R> DelayedCall<R> delayed(TaskTriFunction<A, B, C, R> f, A a, B b, C c) {
    return new DelayedCall<>(f, a, b, c);
  }

  // ---------------------------------------------------------------- calls

  /**
   * Runs the tasks and returns their results in input order.
   *
   * @param tasks the tasks, read lazily
   * @param <T> the result type
   * @return the results
   * @throws IllegalStateException if this instance is already running a call
   */
  @SuppressWarnings("unchecked")
  public <T> List<T> run(Iterable<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    try {
      return (List<T>) execution.run(input(tasks.iterator()), sizeOf(tasks));
    } finally {
      // the cleaner must not release the backend while this call runs
      java.lang.ref.Reference.reachabilityFence(this);
    }
  }

  /**
   * Runs the tasks of a stream (read lazily) and returns their results in input order.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return the results
   */
  @SuppressWarnings("unchecked")
  public <T> List<T> run(Stream<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    Spliterator<? extends Task<? extends T>> s = tasks.spliterator();
    try {
      return (List<T>) execution.run(input(Spliterators.iterator(s)), s.getExactSizeIfKnown());
    } finally {
      java.lang.ref.Reference.reachabilityFence(this);
    }
  }

  /**
   * Applies a function to every item in parallel: the shorthand for {@code run(delayed(f, x) for x
   * in items)}.
   *
   * @param f the function
   * @param items the items, read lazily
   * @param <A> the item type
   * @param <R> the result type
   * @return the results in input order
   */
  @SuppressWarnings("unchecked")
  public <A, R> List<R> map(TaskFunction<A, R> f, Iterable<? extends A> items) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(items, "items");
    try {
      return (List<R>) execution.run(input(mapped(f, items.iterator())), sizeOf(items));
    } finally {
      java.lang.ref.Reference.reachabilityFence(this);
    }
  }

  /**
   * Starts the tasks and returns a lazy iterator over their results, in input order or, with {@link
   * ReturnAs#GENERATOR_UNORDERED}, in completion order. The first {@code preDispatch} tasks are
   * dispatched before this method returns. Close the iterator to cancel what is left.
   *
   * @param tasks the tasks, read lazily
   * @param <T> the result type
   * @return the results
   */
  @SuppressWarnings("unchecked")
  public <T> ResultIterator<T> iterate(Iterable<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    return (ResultIterator<T>)
        (ResultIterator<?>) execution.iterate(input(tasks.iterator()), sizeOf(tasks));
  }

  /**
   * Like {@link #iterate(Iterable)} for a stream.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return the results
   */
  @SuppressWarnings("unchecked")
  public <T> ResultIterator<T> iterate(Stream<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    Spliterator<? extends Task<? extends T>> s = tasks.spliterator();
    return (ResultIterator<T>)
        (ResultIterator<?>)
            execution.iterate(input(Spliterators.iterator(s)), s.getExactSizeIfKnown());
  }

  /**
   * Runs every task, whatever fails, and returns one {@link Outcome} per task in input order (the
   * {@link ErrorPolicy#COLLECT} view of a call).
   *
   * @param tasks the tasks, read lazily
   * @param <T> the result type
   * @return the outcomes
   */
  @SuppressWarnings("unchecked")
  public <T> List<Outcome<T>> runOutcomes(Iterable<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    try {
      return (List<Outcome<T>>)
          (List<?>) execution.run(input(tasks.iterator()), sizeOf(tasks), true);
    } finally {
      java.lang.ref.Reference.reachabilityFence(this);
    }
  }

  /**
   * Like {@link #runOutcomes(Iterable)} for a stream.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return the outcomes
   */
  @SuppressWarnings("unchecked")
  public <T> List<Outcome<T>> runOutcomes(Stream<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    Spliterator<? extends Task<? extends T>> s = tasks.spliterator();
    try {
      return (List<Outcome<T>>)
          (List<?>) execution.run(input(Spliterators.iterator(s)), s.getExactSizeIfKnown(), true);
    } finally {
      java.lang.ref.Reference.reachabilityFence(this);
    }
  }

  /**
   * Starts every task and returns a lazy iterator of one {@link Outcome} per task (input or
   * completion order, as {@code returnAs} says). A failure never ends the iteration.
   *
   * @param tasks the tasks, read lazily
   * @param <T> the result type
   * @return the outcomes
   */
  @SuppressWarnings("unchecked")
  public <T> ResultIterator<Outcome<T>> iterateOutcomes(
      Iterable<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    return (ResultIterator<Outcome<T>>)
        (ResultIterator<?>) execution.iterate(input(tasks.iterator()), sizeOf(tasks), true);
  }

  /**
   * Starts the tasks and returns at once with a future of their results, in input order: the future
   * completes with what {@link #run(Iterable)} would return, or exceptionally with what it would
   * throw. The call starts in the caller's thread, as {@link #iterate(Iterable)} does (its first
   * {@code preDispatch} tasks are dispatched before this returns); a joblib4j thread collects the
   * results. {@link CompletableFuture#cancel(boolean) cancel} cancels the call (queued tasks
   * dropped, running ones interrupted or their workers stopped) and returns once it has ended.
   * Until the future is done, this instance runs no other call.
   *
   * @param tasks the tasks, read lazily
   * @param <T> the result type
   * @return the results
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<List<T>> submit(Iterable<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    return (CompletableFuture<List<T>>)
        (CompletableFuture<?>) execution.submit(input(tasks.iterator()), sizeOf(tasks), false);
  }

  /**
   * Like {@link #submit(Iterable)} for a stream.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return the results
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<List<T>> submit(Stream<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    Spliterator<? extends Task<? extends T>> s = tasks.spliterator();
    return (CompletableFuture<List<T>>)
        (CompletableFuture<?>)
            execution.submit(input(Spliterators.iterator(s)), s.getExactSizeIfKnown(), false);
  }

  /**
   * The results as a {@link Flow.Publisher}, for reactive code: each subscriber's first {@code
   * request} starts a call over {@code tasks} (read anew per subscriber), and results go out in the
   * order {@link #iterate(Iterable)} gives them, only as many as requested; no thread waits while
   * the subscriber asks for nothing. {@link #builder()}'s {@code maxPendingResults} bounds how far
   * the call runs ahead of the demand. A task's failure ends the stream with {@code onError};
   * cancelling the subscription cancels the call. Tasks may not return {@code null} (Reactive
   * Streams forbids it): such a result ends the stream with a {@code NullPointerException}.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return a cold publisher, one call per subscriber (one at a time on this instance)
   */
  @SuppressWarnings("unchecked")
  public <T> Flow.Publisher<T> publish(Iterable<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    return (Flow.Publisher<T>)
        (Flow.Publisher<?>) execution.publish(() -> input(tasks.iterator()), sizeOf(tasks));
  }

  /**
   * Like {@link #publish(Iterable)} for a stream, which can be read once: a second subscriber gets
   * the stream's {@code IllegalStateException}.
   *
   * @param tasks the tasks
   * @param <T> the result type
   * @return a cold publisher
   */
  @SuppressWarnings("unchecked")
  public <T> Flow.Publisher<T> publish(Stream<? extends Task<? extends T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    return (Flow.Publisher<T>)
        (Flow.Publisher<?>)
            execution.publish(() -> input(Spliterators.iterator(tasks.spliterator())), -1);
  }

  private static <A, R> Iterator<Task<R>> mapped(TaskFunction<A, R> f, Iterator<? extends A> it) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Task<R> next() {
        return new DelayedCall<>(f, it.next());
      }
    };
  }

  private static long sizeOf(Iterable<?> tasks) {
    return tasks instanceof Collection ? ((Collection<?>) tasks).size() : -1;
  }

  /** Releases the backend's workers kept for this instance. Idempotent. */
  @Override
  public void close() {
    execution.close();
  }

  // ---------------------------------------------------------------- what was resolved

  /**
   * Returns the name of the backend this instance uses.
   *
   * @return the name, such as {@code "threading"}
   */
  public String backendName() {
    return execution.backendName();
  }

  /**
   * Returns the requested n_jobs after configuration resolution (joblib's {@code
   * Parallel().n_jobs}): the builder's value, else the scope's or configuration's, else the
   * backend's default.
   *
   * @return the requested n_jobs, possibly negative
   */
  public int nJobs() {
    Integer n = execution.nJobs();
    return n == null ? 1 : n;
  }

  /**
   * Returns the number of workers a call would use (joblib's {@code _effective_n_jobs()}).
   *
   * @return at least 1
   */
  public int effectiveNJobs() {
    return execution.effectiveNJobs();
  }

  /**
   * Returns the nesting level: 0 at top level, 1 inside a task of another call, and so on.
   *
   * @return the level
   */
  public int nestingLevel() {
    return execution.nestingLevel();
  }

  /**
   * Returns the verbosity after configuration resolution.
   *
   * @return the verbosity
   */
  public int verbose() {
    return execution.verbose();
  }

  @Override
  public String toString() {
    return "Parallel(n_jobs=" + nJobs() + ")";
  }

  // ---------------------------------------------------------------- static helpers

  /**
   * joblib's {@code effective_n_jobs(n_jobs)}: how many workers a call with this n_jobs would use
   * on the backend in force.
   *
   * @param nJobs the requested value, or {@code null} for the configured one
   * @return the effective number of workers
   */
  public static int effectiveNJobs(Integer nJobs) {
    return Engines.get().effectiveNJobs(nJobs);
  }

  /**
   * joblib's {@code cpu_count()}: the CPUs this JVM may use, honouring container limits, CPU
   * affinity and {@code JOBLIB4J_MAX_CPU_COUNT}.
   *
   * @return at least 1
   */
  public static int cpuCount() {
    return Engines.get().cpuCount();
  }

  /**
   * joblib's {@code cpu_count(only_physical_cores)}. With {@code true}: when the CPUs this JVM may
   * use are restricted (affinity, container, {@code JOBLIB4J_MAX_CPU_COUNT}), that restriction, as
   * {@link #cpuCount()}; otherwise the machine's physical cores, so simultaneous-multithreading
   * siblings count once. Where the physical cores cannot be found it warns once and returns {@link
   * #cpuCount()}.
   *
   * @param onlyPhysicalCores {@code false} for {@link #cpuCount()}
   * @return at least 1
   */
  public static int cpuCount(boolean onlyPhysicalCores) {
    return onlyPhysicalCores ? Engines.get().physicalCpuCount() : cpuCount();
  }

  /**
   * Builds a {@link Parallel}. Everything not set comes from the scope, configuration or defaults.
   */
  public static final class Builder {
    private String backendName;
    private final Map<String, Object> backendParams = new LinkedHashMap<>();
    private ParallelBackend backend;
    private final SettingValues values = new SettingValues();

    private Builder() {}

    /**
     * Sets what a failing task does: {@link ErrorPolicy#FAIL_FAST} (joblib's, the default) or
     * {@link ErrorPolicy#COLLECT}.
     *
     * @param policy the policy
     * @return this
     */
    public Builder errorPolicy(ErrorPolicy policy) {
      values.set(Settings.ERROR_POLICY, Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Limits each task's run time, measured from the moment it starts (unlike joblib's {@code
     * timeout}, which measures the caller's wait). A task over its limit is interrupted (threads)
     * or its worker JVM is killed and replaced; its outcome is a {@link TaskTimeoutException}.
     * Tasks are then sent one per batch.
     *
     * @param limit a positive duration, or {@code null} for none
     * @return this
     */
    public Builder taskTimeout(Duration limit) {
      values.setOrUnset(Settings.TASK_TIMEOUT, Settings.TASK_TIMEOUT.checked(limit));
      return this;
    }

    /**
     * Backpressure: at most this many tasks are held between being read from the input and having
     * their results handed to the consumer (waiting to be sent, running, or finished and waiting);
     * reading and dispatch pause while the consumer lags, so a slow consumer never fills the heap.
     * Default {@link Parallel#DEFAULT_MAX_PENDING_RESULTS}. A {@code preDispatch} or a fixed {@code
     * batchSize} above it is capped at it, and auto batches at a quarter of it per worker.
     *
     * @param max a positive count
     * @return this
     */
    public Builder maxPendingResults(int max) {
      values.set(Settings.MAX_PENDING_RESULTS, Settings.MAX_PENDING_RESULTS.checked(max));
      return this;
    }

    /**
     * Backpressure in bytes. On every backend, no more tasks are held between the input and the
     * consumer than this many bytes of them, by the last estimate of a task's size: the heap that
     * reading the last slice of the input allocated per task, or, where tasks go to other
     * processes, its share of the last batch as sent, whichever is larger (but always two batches
     * per worker). On backends whose results come from other processes (loky, multiprocessing,
     * dask, ray), reading and dispatch also pause while the results received and not yet handed to
     * the consumer take more than this many bytes serialized (as received, not their size on the
     * heap); batches already sent still arrive, so the held bytes can pass the bound by their
     * results. Auto batches are capped so that one batch and its results take at most a quarter of
     * it per worker. Default {@link Parallel#DEFAULT_MAX_PENDING_BYTES} (256 MiB, at most a quarter
     * of the heap); {@link #maxPendingResults} holds as well.
     *
     * @param max a positive number of bytes
     * @return this
     */
    public Builder maxPendingBytes(long max) {
      values.set(Settings.MAX_PENDING_BYTES, Settings.MAX_PENDING_BYTES.checked(max));
      return this;
    }

    /**
     * Caps auto batching, for workloads that start fast and turn slow (joblib #1220).
     *
     * @param max a positive count
     * @return this
     */
    public Builder maxBatchSize(int max) {
      values.set(Settings.MAX_BATCH_SIZE, Settings.MAX_BATCH_SIZE.checked(max));
      return this;
    }

    /**
     * Sets n_jobs: a positive count, or negative to count back from the CPU count ({@code -1} = all
     * CPUs, {@code -2} = all but one); {@code null} means unset. 0 fails when the call starts
     * ({@code nJobs == 0 in Parallel has no meaning}).
     *
     * @param nJobs the value
     * @return this
     */
    public Builder nJobs(Integer nJobs) {
      values.setOrUnset(Settings.N_JOBS, nJobs);
      return this;
    }

    /**
     * Sets n_jobs from a number; fractions truncate as Python's {@code int()} does.
     *
     * @param nJobs the value
     * @return this
     */
    public Builder nJobs(Number nJobs) {
      return nJobs(nJobs == null ? null : (Integer) nJobs.intValue());
    }

    /**
     * Sets n_jobs from text such as {@code "2"} or {@code "-1"}.
     *
     * @param nJobs the text
     * @return this
     * @throws IllegalArgumentException {@code nJobs could not be converted to int}
     */
    public Builder nJobs(String nJobs) {
      if (nJobs == null) {
        return nJobs((Integer) null);
      }
      try {
        return nJobs((Integer) Integer.parseInt(nJobs.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("nJobs could not be converted to int", e);
      }
    }

    /**
     * Selects a backend by name ({@code threading}, {@code sequential}, {@code loky}, ...).
     *
     * @param name the name
     * @return this
     */
    public Builder backend(String name) {
      this.backendName = Objects.requireNonNull(name, "backend name");
      this.backend = null;
      this.backendParams.clear();
      return this;
    }

    /**
     * Selects a backend by name, with its parameters (joblib's {@code **backend_kwargs}).
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
      this.backend = Objects.requireNonNull(instance, "backend");
      this.backendName = null;
      this.backendParams.clear();
      return this;
    }

    /**
     * Sets how results come back (default {@link ReturnAs#LIST}).
     *
     * @param returnAs the mode
     * @return this
     */
    public Builder returnAs(ReturnAs returnAs) {
      values.set(Settings.RETURN_AS, Objects.requireNonNull(returnAs, "returnAs"));
      return this;
    }

    /**
     * Sets the return mode from joblib's spelling.
     *
     * @param returnAs {@code "list"}, {@code "generator"} or {@code "generator_unordered"}
     * @return this
     */
    public Builder returnAs(String returnAs) {
      return returnAs(ReturnAs.parse(returnAs));
    }

    /**
     * Sets joblib's verbosity: 0 is silent; progress lines go to stderr below 50, to stdout from
     * 50; higher values print more often.
     *
     * @param verbose the verbosity, &gt;= 0
     * @return this
     */
    public Builder verbose(int verbose) {
      values.set(Settings.VERBOSE, Settings.VERBOSE.checked(verbose));
      return this;
    }

    /**
     * Sets joblib's timeout: how long the caller waits for any one result before the call is
     * aborted with {@link ParallelTimeoutException}.
     *
     * @param timeout a positive duration, or {@code null} for none
     * @return this
     */
    public Builder timeout(Duration timeout) {
      values.setOrUnset(Settings.TIMEOUT, Settings.TIMEOUT.checked(timeout));
      return this;
    }

    /**
     * Sets how many tasks are read ahead: {@code "all"}, a number, or an arithmetic expression of
     * {@code n_jobs} such as {@code "2*n_jobs"} (the default).
     *
     * @param preDispatch the expression
     * @return this
     */
    public Builder preDispatch(String preDispatch) {
      values.set(Settings.PRE_DISPATCH, Objects.requireNonNull(preDispatch, "preDispatch"));
      return this;
    }

    /**
     * Sets how many tasks are read ahead.
     *
     * @param preDispatch a positive count
     * @return this
     */
    public Builder preDispatch(int preDispatch) {
      if (preDispatch < 1) {
        throw Settings.PRE_DISPATCH.invalidArgument(preDispatch);
      }
      values.set(Settings.PRE_DISPATCH, Integer.toString(preDispatch));
      return this;
    }

    /**
     * Sets a fixed batch size.
     *
     * @param batchSize a positive integer
     * @return this
     * @throws IllegalArgumentException {@code batchSize must be \"auto\" or a positive integer,
     *     got: 0}
     */
    public Builder batchSize(int batchSize) {
      values.set(Settings.BATCH_SIZE, Settings.BATCH_SIZE.checked(batchSize));
      return this;
    }

    /**
     * Sets the batch size from text: {@code "auto"} or a positive integer.
     *
     * @param batchSize the text
     * @return this
     */
    public Builder batchSize(String batchSize) {
      if (batchSize != null && batchSize.trim().equalsIgnoreCase("auto")) {
        return batchSizeAuto();
      }
      int value;
      try {
        value = Integer.parseInt(batchSize == null ? "" : batchSize.trim());
      } catch (NumberFormatException e) {
        throw (IllegalArgumentException)
            Settings.BATCH_SIZE.invalidArgument(batchSize).initCause(e);
      }
      return batchSize(value);
    }

    /**
     * Lets the backend adapt the batch size (the default).
     *
     * @return this
     */
    public Builder batchSizeAuto() {
      values.unset(Settings.BATCH_SIZE);
      return this;
    }

    /**
     * Sets the folder where process backends memory-map large arrays.
     *
     * @param folder the folder
     * @return this
     */
    public Builder tempFolder(Path folder) {
      values.setOrUnset(Settings.TEMP_FOLDER, folder);
      return this;
    }

    /**
     * Sets the size above which arrays are memory-mapped: {@code "1M"} (default), {@code "500K"},
     * {@code "2G"}, bytes, or {@code "none"} to disable.
     *
     * @param maxNbytes the threshold
     * @return this
     */
    public Builder maxNbytes(String maxNbytes) {
      values.set(Settings.MAX_NBYTES, Objects.requireNonNull(maxNbytes, "maxNbytes"));
      return this;
    }

    /**
     * Sets the memmapping threshold in bytes.
     *
     * @param maxNbytes the threshold, &gt;= 0
     * @return this
     */
    public Builder maxNbytes(long maxNbytes) {
      if (maxNbytes < 0) {
        throw Settings.MAX_NBYTES.invalidArgument(maxNbytes);
      }
      values.set(Settings.MAX_NBYTES, Long.toString(maxNbytes));
      return this;
    }

    /**
     * Sets joblib's {@code mmap_mode}: the mode of the large arrays this call memory-maps itself
     * ({@code maxNbytes}) on {@code loky} and {@code multiprocessing}. A Java array cannot be a
     * mapping, so each worker gets a copy: with {@link MmapMode#READ_ONLY} (the default), {@link
     * MmapMode#READ_WRITE} and {@link MmapMode#WRITE} one per worker JVM and call, shared by its
     * tasks; with {@link MmapMode#COPY_ON_WRITE} and {@code null} (joblib's {@code None}: still
     * written to a file, then loaded into memory) one per batch, so a task's writes into it reach
     * no other batch. A {@link MemmapArray} keeps its own mode, as joblib's memmaps do.
     *
     * @param mode the mode, or {@code null} for joblib's {@code None}
     * @return this
     */
    public Builder mmapMode(MmapMode mode) {
      values.set(Settings.MMAP_MODE, mode);
      return this;
    }

    /**
     * Sets joblib's {@code mmap_mode} from its spelling ({@link #mmapMode(MmapMode)}).
     *
     * @param mode {@code "r"}, {@code "r+"}, {@code "w+"}, {@code "c"} (or numpy's {@code
     *     "readonly"}, {@code "readwrite"}, {@code "write"}, {@code "copyonwrite"}), or {@code
     *     null} / {@code "none"} for joblib's {@code None}
     * @return this
     * @throws IllegalArgumentException naming the accepted values
     */
    public Builder mmapMode(String mode) {
      return mmapMode(MmapMode.parse(mode));
    }

    /**
     * Sets the soft hint; it acts only when no backend was chosen explicitly.
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
     * Makes calls resumable: each finished task's result is recorded in {@code folder} under the
     * task's identity (its function's class and method, a hash of that class's bytecode, and the
     * Java serialization of its arguments and captured values), and a task whose record exists
     * returns it instead of running. Running the same call again after a crash, a kill, a timeout
     * or failures runs only what did not finish. Functions and arguments must be serializable
     * (results too, to be recorded). The folder must be private to the user; tasks running on other
     * hosts need it on a shared file system.
     *
     * @param folder the checkpoint folder, created when the first result is recorded; {@code null}
     *     for none (the default)
     * @return this
     */
    public Builder checkpoint(Path folder) {
      values.setOrUnset(Settings.CHECKPOINT, folder);
      return this;
    }

    /**
     * Runs a failed task again, as the policy says, on every backend: where the task ran (a thread,
     * a worker JVM, a cluster worker), after the policy's backoff. The final failure carries each
     * earlier attempt as a suppressed {@link TaskAttemptException}; {@link Outcome#attempts()}
     * counts the runs. A worker that dies is the backend's to retry (Ray's {@code max-retries},
     * Dask's resubmission); on loky and multiprocessing its batch fails with {@link
     * WorkerTerminatedException}, as without a policy.
     *
     * @param policy the policy, or {@code null} for none (the default)
     * @return this
     */
    public Builder retry(RetryPolicy policy) {
      values.setOrUnset(Settings.RETRY, policy);
      return this;
    }

    /**
     * Receives start, batch-done and finish events.
     *
     * @param listener the listener
     * @return this
     */
    public Builder progress(ProgressListener listener) {
      values.setOrUnset(Settings.PROGRESS, listener);
      return this;
    }

    /**
     * Resolves the settings and builds the instance.
     *
     * @return the instance
     * @throws IllegalArgumentException for inconsistent settings, an unknown backend or a bad
     *     configuration value
     */
    public Parallel build() {
      if (values.get(Settings.PREFER) == Prefer.PROCESSES
          && values.get(Settings.REQUIRE) == Require.SHAREDMEM) {
        throw new IllegalArgumentException(
            "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
      }
      ParallelSettings settings =
          new ParallelSettings(backendName, Map.copyOf(backendParams), backend, values.frozen());
      return new Parallel(
          Engines.get().create(settings),
          values.get(Settings.CHECKPOINT),
          values.get(Settings.RETRY));
    }
  }
}
