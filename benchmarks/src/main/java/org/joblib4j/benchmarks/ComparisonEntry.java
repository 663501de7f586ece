package org.joblib4j.benchmarks;

/**
 * An implementation in the comparison, as the table builder sees it.
 *
 * @param id its {@link Measurement#implementation()}
 * @param label its name in the report (Markdown)
 * @param sequentialId the implementation whose {@code cpu} median its speed-up divides (the plain
 *     loop of the same language)
 * @param notRun why it was not run at all, or {@code null}
 */
record ComparisonEntry(String id, String label, String sequentialId, String notRun) {}
