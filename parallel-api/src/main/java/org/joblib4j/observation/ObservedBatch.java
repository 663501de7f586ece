package org.joblib4j.observation;

import java.time.Duration;

/**
 * A batch as it completed or failed.
 *
 * @param call its call
 * @param firstTask the index of its first task
 * @param tasks its size
 * @param failedTasks how many of its tasks failed (with {@code COLLECT}, failures are outcomes of a
 *     completed batch; a failed batch counts its failing task, and one stopped because its call had
 *     already failed counts none)
 * @param duration from its dispatch to the backend until its results (or failure) arrived
 * @param bytesSent its size as sent to another process, 0 if it ran in this JVM
 * @param bytesReceived its results' size as received, 0 if they came from this JVM
 * @param failure why the batch failed, or {@code null}
 */
public record ObservedBatch(
    ObservedCall call,
    long firstTask,
    int tasks,
    int failedTasks,
    Duration duration,
    long bytesSent,
    long bytesReceived,
    Throwable failure) {}
