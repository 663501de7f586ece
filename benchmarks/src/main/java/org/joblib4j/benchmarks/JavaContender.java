package org.joblib4j.benchmarks;

import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * How one Java implementation runs each workload of the comparison.
 *
 * @param id its {@link Measurement#implementation()}
 * @param label its name in the report (Markdown)
 * @param noop a timed run of {@code n} no-op tasks (throughput and call latency), or {@code null}
 * @param cpu a timed run of the CPU-bound tasks, or {@code null}
 * @param io a timed run of {@code n} waiting tasks, or {@code null}
 * @param grid a timed run of the grid search, or {@code null}
 * @param skipped why the {@code null} workloads are not run
 */
record JavaContender(
    String id,
    String label,
    IntFunction<Sampler.TimedRun> noop,
    Function<CpuBoundTasks, Sampler.TimedRun> cpu,
    IntFunction<Sampler.TimedRun> io,
    Function<GridSearchCase, Sampler.TimedRun> grid,
    String skipped) {}
