package org.joblib4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a measuring child process (the Python script, a child JVM) and parses what it prints, one
 * line per fact (its progress goes to this process's stderr):
 *
 * <pre>
 * META &lt;key&gt; &lt;value&gt;
 * RESULT &lt;section&gt; &lt;implementation&gt; &lt;tasks&gt; &lt;nanos&gt; &lt;nanos&gt; ...
 * </pre>
 */
final class ResultProcess {
  /** What the child printed. */
  record Output(Map<String, String> meta, List<Measurement> measurements) {}

  private ResultProcess() {}

  /**
   * Runs the command to its end.
   *
   * @param cmd the command
   * @param prefix put before every implementation's name
   * @param timeoutSeconds kill it after this long
   * @return what it printed
   * @throws IOException if it cannot start, times out or fails
   * @throws InterruptedException if interrupted while waiting
   */
  static Output run(List<String> cmd, String prefix, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
                  parse(line, prefix, meta, measurements);
                }
              } catch (IOException e) {
                // the process died: reported by the exit code below
              }
            },
            "bench-child-reader");
    reader.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd.get(0) + " took more than " + timeoutSeconds + " s");
    }
    reader.join();
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited with code " + p.exitValue());
    }
    synchronized (measurements) {
      return new Output(Map.copyOf(meta), List.copyOf(measurements));
    }
  }

  /**
   * Prints a measurement in the format {@link #run} parses.
   *
   * @param m the measurement
   * @return one line
   */
  static String format(Measurement m) {
    StringBuilder s =
        new StringBuilder("RESULT ")
            .append(m.section())
            .append(' ')
            .append(m.implementation())
            .append(' ')
            .append(m.tasks());
    m.nanos().forEach(n -> s.append(' ').append(n));
    return s.toString();
  }

  private static void parse(
      String line, String prefix, Map<String, String> meta, List<Measurement> out) {
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
        out.add(new Measurement(f[1], prefix + f[2], Long.parseLong(f[3]), List.copyOf(nanos)));
      }
    }
  }
}
