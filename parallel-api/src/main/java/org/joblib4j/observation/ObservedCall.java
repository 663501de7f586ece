package org.joblib4j.observation;

/**
 * A call as it starts.
 *
 * @param id a number unique to the call within this JVM
 * @param backend the backend's name
 * @param workers the call's effective n_jobs
 * @param totalTasks the input's size, or -1 when not known in advance
 */
public record ObservedCall(long id, String backend, int workers, long totalTasks) {}
