package org.joblib4j.observation;

import java.time.Duration;

/**
 * A batch's stay in a worker pool, as its answer was read.
 *
 * @param pid the worker JVM that ran it
 * @param firstTask the index of its first task
 * @param tasks its size
 * @param queueWait from its submission to the pool until it was handed to a worker
 * @param roundTrip from its hand-over to the worker until its answer was read
 */
public record ObservedWorkerBatch(
    long pid, long firstTask, int tasks, Duration queueWait, Duration roundTrip) {}
