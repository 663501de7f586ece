package org.joblib4j.observation;

import java.time.Duration;

/**
 * A worker JVM of a loky or multiprocessing pool, as it started or ended.
 *
 * @param pid its process id
 * @param startup from its launch to its handshake (when it started), else {@link Duration#ZERO}
 * @param cause why it ended: {@code retired} (asked to exit), {@code killed} (by the pool), {@code
 *     died} or {@code failed to start}; {@code null} when it started
 * @param exitStatus its exit status when it ended, else 0
 */
public record ObservedWorker(long pid, Duration startup, String cause, int exitStatus) {}
