package org.joblib4j.core.engine;

/**
 * The counters of a call at one moment, as joblib's {@code print_progress} reads them.
 *
 * @param dispatchedBatches batches dispatched
 * @param dispatchedTasks tasks dispatched
 * @param completedTasks tasks completed
 * @param totalTasks the number of tasks, or -1 while unknown
 * @param iterating whether the input may still yield tasks
 * @param completed joblib's {@code _is_completed()}
 */
record CallState(
    long dispatchedBatches,
    long dispatchedTasks,
    long completedTasks,
    long totalTasks,
    boolean iterating,
    boolean completed) {}
