package org.joblib4j.tck.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A JVM started by a test with this JVM's classpath, whose output lines are collected. */
public final class ChildJvm implements AutoCloseable {
  /** The child; {@link #close()} kills it. */
  public final Process process;

  /** Its stdout and stderr lines so far. */
  public final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "child-jvm-" + process.pid() + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} in a new JVM.
   *
   * @param mainClass the class whose {@code main} runs
   * @param environment variables added to the child's environment
   * @param args its arguments
   * @return the running child
   * @throws IOException if the JVM cannot start
   */
  public static ChildJvm start(Class<?> mainClass, Map<String, String> environment, String... args)
      throws IOException {
    return start(mainClass, List.of(), environment, args);
  }

  /**
   * Starts {@code mainClass} in a new JVM with JVM options such as {@code -Xmx96m}.
   *
   * @param mainClass the class whose {@code main} runs
   * @param jvmArgs the JVM's options
   * @param environment variables added to the child's environment
   * @param args its arguments
   * @return the running child
   * @throws IOException if the JVM cannot start
   */
  public static ChildJvm start(
      Class<?> mainClass, List<String> jvmArgs, Map<String, String> environment, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(environment);
    return new ChildJvm(pb.start());
  }

  /**
   * Returns the value after {@code key} on the first line starting with {@code key}.
   *
   * @param key the line's first word
   * @return the rest of the line, trimmed, or null when no such line was printed yet
   */
  public String value(String key) {
    for (String l : lines) {
      if (l.startsWith(key + " ")) {
        return l.substring(key.length() + 1).trim();
      }
    }
    return null;
  }

  /**
   * Returns the output so far.
   *
   * @return the lines joined by newlines
   */
  public String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
