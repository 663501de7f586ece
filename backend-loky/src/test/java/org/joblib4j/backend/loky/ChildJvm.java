package org.joblib4j.backend.loky;

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
final class ChildJvm implements AutoCloseable {
  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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

  static ChildJvm start(Class<?> mainClass, Map<String, String> environment, String... args) throws IOException {
    return start(mainClass, List.of(), environment, args);
  }

  /** Starts {@code mainClass} with JVM options such as {@code -Xmx96m}. */
  static ChildJvm start(Class<?> mainClass, List<String> jvmArgs, Map<String, String> environment, String... args)
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

  /** The value after {@code key} on the first line starting with {@code key}, or null. */
  String value(String key) {
    for (String l : lines) {
      if (l.startsWith(key + " ")) {
        return l.substring(key.length() + 1).trim();
      }
    }
    return null;
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
