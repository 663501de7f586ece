package org.joblib4j.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.Prefer;
import org.joblib4j.ProgressListener;
import org.joblib4j.Require;
import org.joblib4j.ReturnAs;
import org.joblib4j.spi.ParallelBackend;

/**
 * What a {@code Parallel.Builder} was told explicitly; {@code null} means "not set", so the engine
 * falls back to the scope, the configuration and the defaults.
 *
 * @param nJobsSet whether n_jobs was given (it may be given as {@code null}, which means unset)
 * @param nJobs the n_jobs, or {@code null}
 * @param backendName the backend's name, or {@code null}
 * @param backendParams parameters for a named backend
 * @param backend a backend instance, or {@code null}
 * @param returnAs the return mode, or {@code null}
 * @param verbose the verbosity, or {@code null}
 * @param timeout the timeout, or {@code null}
 * @param preDispatch the pre-dispatch expression, or {@code null}
 * @param batchSize a fixed batch size, or {@code null} for auto
 * @param tempFolder the temp folder, or {@code null}
 * @param maxNbytes the memmapping threshold as given ({@code "1M"}, {@code "none"}), or {@code
 *     null}
 * @param mmapMode the mode of the arrays the call memory-maps itself, as given ({@code "r"}, {@code
 *     "none"} for joblib's {@code None}), or {@code null} when not set
 * @param prefer the hint, or {@code null}
 * @param require the constraint, or {@code null}
 * @param progress a progress listener, or {@code null}
 * @param errorPolicy what a failing task does, or {@code null} (fail fast)
 * @param taskTimeout each task's limit from its start, or {@code null}
 * @param maxPendingResults the most tasks held from reading until consumption (running or finished)
 *     before dispatch pauses, or {@code null} for {@code Parallel.DEFAULT_MAX_PENDING_RESULTS}
 * @param maxBatchSize a cap on auto batching, or {@code null}
 * @param maxPendingBytes the most serialized bytes of results received and not yet consumed before
 *     dispatch pauses, or {@code null} for {@code Parallel.DEFAULT_MAX_PENDING_BYTES}
 */
public record ParallelSettings(
    boolean nJobsSet,
    Integer nJobs,
    String backendName,
    Map<String, Object> backendParams,
    ParallelBackend backend,
    ReturnAs returnAs,
    Integer verbose,
    Duration timeout,
    String preDispatch,
    Integer batchSize,
    Path tempFolder,
    String maxNbytes,
    String mmapMode,
    Prefer prefer,
    Require require,
    ProgressListener progress,
    ErrorPolicy errorPolicy,
    Duration taskTimeout,
    Integer maxPendingResults,
    Integer maxBatchSize,
    Long maxPendingBytes) {}
