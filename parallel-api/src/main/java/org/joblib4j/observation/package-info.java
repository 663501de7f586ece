/**
 * Observing calls from outside the engine: a {@link org.joblib4j.observation.ParallelObserver}
 * hears about every call, batch and worker JVM of this JVM, so a metrics or tracing integration
 * (such as {@code joblib4j-micrometer}) needs no engine internals.
 */
package org.joblib4j.observation;
