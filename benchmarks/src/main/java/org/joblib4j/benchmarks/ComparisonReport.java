package org.joblib4j.benchmarks;

import java.util.Map;

/**
 * Everything the comparison's Markdown and chart show.
 *
 * @param machine where and when it ran
 * @param python the interpreter and joblib version, or why Python was skipped
 * @param command the command that produced it
 * @param method how it measured
 * @param load other processes' CPU use per phase
 * @param table the numbers
 * @param notes lines under the table (what the grid search sent to workers)
 */
record ComparisonReport(
    MachineInfo machine,
    String python,
    String command,
    String method,
    Map<String, Double> load,
    ComparisonTable table,
    java.util.List<String> notes) {}
