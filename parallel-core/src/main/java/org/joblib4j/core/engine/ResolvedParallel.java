package org.joblib4j.core.engine;

import java.nio.file.Path;
import java.time.Duration;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.MmapMode;
import org.joblib4j.Prefer;
import org.joblib4j.ProgressListener;
import org.joblib4j.Require;
import org.joblib4j.ReturnAs;
import org.joblib4j.spi.ParallelBackend;

/**
 * Every setting of one {@code Parallel} after resolution (builder, scope, configuration, defaults).
 *
 * @param backend the backend instance
 * @param backendName its name
 * @param nJobs the requested n_jobs (the backend's default when nothing set it)
 * @param nestingLevel the nesting level
 * @param verbose the verbosity
 * @param returnAs the return mode
 * @param timeout the timeout, or {@code null}
 * @param preDispatch the pre-dispatch expression
 * @param batchSize a fixed batch size, or {@code null} for auto
 * @param tempFolder the temp folder, or {@code null}
 * @param maxNbytes the memmapping threshold, or {@code null} when disabled
 * @param mmapMode the mode of the arrays the call memory-maps, or {@code null} (joblib's None)
 * @param prefer the hint, or {@code null}
 * @param require the constraint, or {@code null}
 * @param innerMaxNumThreads the worker thread cap, or {@code null}
 * @param progress the listener, or {@code null}
 * @param errorPolicy what a failing task does
 * @param taskTimeout each task's limit, or {@code null}
 * @param maxPendingResults the backpressure limit, or {@code null}
 * @param maxBatchSize the auto-batching cap, or {@code null}
 * @param maxPendingBytes the backpressure limit in received bytes, or {@code null}
 * @param cpuBudget the JVM's CPU budget when {@code joblib4j.cpu-budget=shared}, else {@code null}
 */
public record ResolvedParallel(
    ParallelBackend backend,
    String backendName,
    int nJobs,
    int nestingLevel,
    int verbose,
    ReturnAs returnAs,
    Duration timeout,
    String preDispatch,
    Integer batchSize,
    Path tempFolder,
    Long maxNbytes,
    MmapMode mmapMode,
    Prefer prefer,
    Require require,
    Integer innerMaxNumThreads,
    ProgressListener progress,
    ErrorPolicy errorPolicy,
    Duration taskTimeout,
    Integer maxPendingResults,
    Integer maxBatchSize,
    Long maxPendingBytes,
    CpuBudget cpuBudget) {}
