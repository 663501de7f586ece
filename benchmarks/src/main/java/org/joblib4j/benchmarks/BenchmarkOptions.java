package org.joblib4j.benchmarks;

import java.nio.file.Path;

/**
 * The harness's settings, from the command line.
 *
 * @param sizes no-op task counts
 * @param runs Java runs per measurement
 * @param pythonRuns Python runs per measurement
 * @param budgetSeconds a measurement stops repeating once its runs took this long (at least 3 Java
 *     runs, 1 Python run)
 * @param warmupRounds warm-up rounds of {@code warmupTasks} no-op tasks per Java implementation
 * @param warmupTasks the tasks in one warm-up round
 * @param cpuTasks CPU-bound tasks
 * @param cpuMillis the length of one CPU-bound task
 * @param python {@code false} to skip Python
 * @param pythonPath the interpreter to use, or {@code null} to look for one
 * @param output where to write the Markdown, or {@code null} for next to the jar
 */
record BenchmarkOptions(
    long[] sizes,
    int runs,
    int pythonRuns,
    double budgetSeconds,
    int warmupRounds,
    int warmupTasks,
    int cpuTasks,
    double cpuMillis,
    boolean python,
    String pythonPath,
    Path output) {

  static final String USAGE =
      "usage: java -cp joblib4j-benchmarks.jar org.joblib4j.benchmarks.ThreadingBenchmark [--quick] [--runs=N] [--python-runs=N]"
          + " [--budget=SECONDS] [--no-python] [--python=PATH] [--output=FILE]";

  static BenchmarkOptions parse(String[] args) {
    long[] sizes = {10_000, 100_000, 1_000_000};
    int runs = 7;
    int pythonRuns = 5;
    double budget = 10;
    int warmupRounds = 10;
    int warmupTasks = 100_000;
    int cpuTasks = 16;
    double cpuMillis = 100;
    boolean python = true;
    String pythonPath = null;
    Path output = null;
    for (String a : args) {
      String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
      if (a.equals("--quick")) {
        sizes = new long[] {1_000, 10_000};
        runs = 3;
        pythonRuns = 2;
        warmupRounds = 3;
        warmupTasks = 10_000;
        cpuTasks = 4;
        cpuMillis = 20;
      } else if (a.startsWith("--runs=")) {
        runs = Integer.parseInt(v);
      } else if (a.startsWith("--python-runs=")) {
        pythonRuns = Integer.parseInt(v);
      } else if (a.startsWith("--budget=")) {
        budget = Double.parseDouble(v);
      } else if (a.equals("--no-python")) {
        python = false;
      } else if (a.startsWith("--python=")) {
        pythonPath = v;
      } else if (a.startsWith("--output=")) {
        output = Path.of(v);
      } else {
        throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
      }
    }
    if (runs < 1 || pythonRuns < 1) {
      throw new IllegalArgumentException("runs must be >= 1\n" + USAGE);
    }
    return new BenchmarkOptions(
        sizes,
        runs,
        pythonRuns,
        budget,
        warmupRounds,
        warmupTasks,
        cpuTasks,
        cpuMillis,
        python,
        pythonPath,
        output);
  }
}
