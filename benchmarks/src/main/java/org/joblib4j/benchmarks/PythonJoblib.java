package org.joblib4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs the same workloads with Python joblib's backends, through a bundled script. */
final class PythonJoblib {
  private static final String SCRIPT = "joblib_bench.py";

  private PythonJoblib() {}

  /**
   * Finds a python that can {@code import joblib}: the given one, else {@code python3} on the
   * PATH, else {@code /usr/bin/python3} (Debian's python3-joblib installs there, which a pyenv or
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
      Process p =
          new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Map<String, String> meta = new LinkedHashMap<>();
      List<Measurement> measurements = new ArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    parse(line, meta, measurements);
                  }
                } catch (IOException e) {
                  // the process died: reported by the exit code below
                }
              },
              "python-bench-reader");
      reader.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("the Python benchmark took more than " + timeoutSeconds + " s");
      }
      reader.join();
      if (p.exitValue() != 0) {
        throw new IOException("the Python benchmark exited with code " + p.exitValue());
      }
      synchronized (measurements) {
        return new PythonResults(python, Map.copyOf(meta), List.copyOf(measurements));
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static void parse(String line, Map<String, String> meta, List<Measurement> out) {
    String[] f = line.trim().split("\\s+");
    if (f.length >= 3 && f[0].equals("META")) {
      synchronized (out) {
        meta.put(f[1], String.join(" ", Arrays.copyOfRange(f, 2, f.length)));
      }
    } else if (f.length >= 5 && f[0].equals("RESULT")) {
      List<Long> nanos = new ArrayList<>();
      for (int i = 4; i < f.length; i++) {
        nanos.add(Long.parseLong(f[i]));
      }
      synchronized (out) {
        out.add(new Measurement(f[1], "python-" + f[2], Long.parseLong(f[3]), List.copyOf(nanos)));
      }
    }
  }
}
