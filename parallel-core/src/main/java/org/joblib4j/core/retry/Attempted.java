package org.joblib4j.core.retry;

import java.io.Serializable;

/**
 * A result that took more than one attempt: travels back in the task's place, and the engine hands
 * out the value (and, to {@code Outcome}s, the count).
 *
 * @param value the result
 * @param attempts the runs it took, at least 2
 */
public record Attempted(Object value, int attempts) implements Serializable {}
