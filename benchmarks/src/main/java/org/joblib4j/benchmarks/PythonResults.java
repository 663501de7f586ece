package org.joblib4j.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * What the Python script measured.
 *
 * @param interpreter the python used
 * @param meta its versions and settings ({@code python}, {@code joblib}, {@code cpu-iterations})
 * @param measurements the timings
 */
record PythonResults(String interpreter, Map<String, String> meta, List<Measurement> measurements) {}
