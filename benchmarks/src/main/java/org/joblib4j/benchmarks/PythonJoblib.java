package org.joblib4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs the same workloads with Python joblib's backends, through a bundled script. */
final class PythonJoblib {
  private static final String SCRIPT = "joblib_bench.py";

  private PythonJoblib() {}

  /**
   * Finds a python that can {@code import joblib}: the given one, else {@code python3} on the PATH,
   * else {@code /usr/bin/python3} (Debian's python3-joblib installs there, which a pyenv or
   * virtualenv {@code python3} on the PATH may not see).
   *
   * @param explicit an interpreter to use, or {@code null}
   * @return the interpreter, if one works
   */
  static Optional<String> find(String explicit) {
    List<String> candidates =
        explicit != null ? List.of(explicit) : List.of("python3", "/usr/bin/python3");
    for (String python : candidates) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", "import joblib")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(python);
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // not installed: try the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the script and parses what it prints (its progress goes to this process's stderr).
   *
   * @param python the interpreter
   * @param sizes the no-op task counts
   * @param runs the runs per measurement
   * @param budgetSeconds stop repeating a measurement once its runs took this long
   * @param cpuTasks the number of CPU-bound tasks
   * @param cpuMillis the length of one CPU-bound task
   * @param timeoutSeconds kill the script after this long
   * @return the results
   * @throws IOException if the script cannot be run or fails
   * @throws InterruptedException if interrupted while waiting
   */
  static PythonResults run(
      String python,
      long[] sizes,
      int runs,
      double budgetSeconds,
      int cpuTasks,
      double cpuMillis,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(
        python,
        List.of(
            "--sizes",
            Arrays.stream(sizes).mapToObj(Long::toString).collect(Collectors.joining(",")),
            "--runs",
            Integer.toString(runs),
            "--budget",
            Double.toString(budgetSeconds),
            "--cpu-tasks",
            Integer.toString(cpuTasks),
            "--cpu-ms",
            Double.toString(cpuMillis)),
        timeoutSeconds);
  }

  /**
   * Runs the script with the given arguments and parses what it prints (its progress goes to this
   * process's stderr).
   *
   * @param python the interpreter
   * @param scriptArgs the script's arguments (see its docstring)
   * @param timeoutSeconds kill the script after this long
   * @return the results
   * @throws IOException if the script cannot be run or fails
   * @throws InterruptedException if interrupted while waiting
   */
  static PythonResults run(String python, List<String> scriptArgs, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("joblib4j-bench-", ".py");
    try {
      try (InputStream in = PythonJoblib.class.getResourceAsStream(SCRIPT)) {
        if (in == null) {
          throw new IOException("resource " + SCRIPT + " missing from the jar");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
      cmd.addAll(scriptArgs);
      ResultProcess.Output out = ResultProcess.run(cmd, "python-", timeoutSeconds);
      return new PythonResults(python, out.meta(), out.measurements());
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
