package org.joblib4j.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the Python script measured.
 *
 * @param interpreter the python used
 * @param meta its versions and settings ({@code python}, {@code joblib}, {@code cpu-iterations})
 * @param measurements the timings
 */
record PythonResults(String interpreter, Map<String, String> meta, List<Measurement> measurements) {

  /**
   * Describes the interpreter for a report: path, Python version, joblib version.
   *
   * @return Markdown
   */
  String describe() {
    return String.format(
        Locale.ROOT,
        "`%s` %s, joblib %s",
        interpreter,
        meta.getOrDefault("python", "?"),
        meta.getOrDefault("joblib", "?"));
  }
}
