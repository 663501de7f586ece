package org.joblib4j.benchmarks;

import java.util.List;

/**
 * One implementation's line of the comparison.
 *
 * @param label who ran it (Markdown)
 * @param cells one per column, in the columns' order
 * @param notRun why the whole implementation was not run, or {@code null}
 */
record ComparisonRow(String label, List<ComparisonCell> cells, String notRun) {}
