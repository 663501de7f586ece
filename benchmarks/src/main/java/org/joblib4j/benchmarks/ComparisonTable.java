package org.joblib4j.benchmarks;

import java.util.List;

/**
 * The comparison's numbers: one row per implementation, one column per workload.
 *
 * @param baseline the label of the implementation every ratio divides by (Markdown)
 * @param columns the workloads
 * @param rows the implementations
 */
record ComparisonTable(String baseline, List<ComparisonColumn> columns, List<ComparisonRow> rows) {}
