package org.joblib4j.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.joblib4j.it.scenario.Report;

/**
 * Starts a fresh JVM with a chosen classpath (or module path) and runs one scenario main class in
 * it, unlike the kit's {@code ChildJvm}, which gives a child this JVM's classpath: the way SLF4J's
 * {@code integration} module tests "no provider" and "multiple providers" (style guide §1.1). The
 * child gets the given artifacts and jars, the logging jars, and a jar holding only the scenario
 * class; it logs through logback as {@code LEVEL logger - message} lines on stdout, so a test can
 * assert stdout line by line.
 */
public final class ChosenClasspathJvm {
  /** How long a child may run before it is killed and the test fails. */
  public static final long TIMEOUT_SECONDS = 60;

  private static final List<Artifact> LOGGING =
      List.of(Artifact.SLF4J_API, Artifact.LOGBACK_CLASSIC, Artifact.LOGBACK_CORE);

  private static final String LOGBACK_XML =
      "<configuration>\n"
          + "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
          + "    <encoder><pattern>%level %logger - %msg%n%nopex</pattern></encoder>\n"
          + "  </appender>\n"
          + "  <root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>\n"
          + "</configuration>\n";

  private final Path workDir;
  private final List<Path> classpath = new ArrayList<>();
  private final Map<String, String> systemProperties = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();

  private ChosenClasspathJvm(Path workDir) {
    this.workDir = workDir;
  }

  /**
   * Starts describing a child JVM.
   *
   * @param workDir a directory for the child's files (scenario jar, logback config, output)
   * @return the description, with an empty classpath
   */
  public static ChosenClasspathJvm in(Path workDir) {
    return new ChosenClasspathJvm(workDir);
  }

  /**
   * Appends artifacts of the test classpath to the child's classpath, in order.
   *
   * @param artifacts the artifacts
   * @return this
   */
  public ChosenClasspathJvm with(Artifact... artifacts) {
    for (Artifact a : artifacts) {
      classpath.add(a.location());
    }
    return this;
  }

  /**
   * Appends jars to the child's classpath, in order.
   *
   * @param jars the jars
   * @return this
   */
  public ChosenClasspathJvm jar(Path... jars) {
    classpath.addAll(List.of(jars));
    return this;
  }

  /**
   * Sets a system property of the child ({@code -Dkey=value}).
   *
   * @param key the key
   * @param value the value
   * @return this
   */
  public ChosenClasspathJvm systemProperty(String key, String value) {
    systemProperties.put(key, value);
    return this;
  }

  /**
   * Sets an environment variable of the child. Every {@code JOBLIB4J_*} variable of this JVM is
   * removed from the child's environment first.
   *
   * @param name the variable
   * @param value the value
   * @return this
   */
  public ChosenClasspathJvm env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /**
   * Runs a scenario main class in the child and waits for it to exit.
   *
   * @param scenario a top-level class of {@code org.joblib4j.it.scenario} with a {@code main}
   * @param args its arguments
   * @return the exit code and output
   * @throws IOException if the child's files cannot be written or read
   * @throws InterruptedException if interrupted while waiting
   * @throws AssertionError if the child runs longer than {@link #TIMEOUT_SECONDS}
   */
  public Result run(Class<?> scenario, String... args) throws IOException, InterruptedException {
    Path scenarioJar =
        TestJars.jar().classes(scenario, Report.class).writeTo(workDir.resolve("scenario.jar"));
    List<Path> cp = withLogging();
    cp.add(scenarioJar);
    List<String> command = javaCommand();
    command.add("-cp");
    command.add(joined(cp));
    command.add(scenario.getName());
    command.addAll(List.of(args));
    return start(command);
  }

  /**
   * Runs a modular application on the module path: the given artifacts and jars, the logging jars
   * and the application's compiled module, started with {@code -m module/mainClass}.
   *
   * @param application the directory or jar of the application's compiled module
   * @param moduleAndMain {@code module/mainClass}
   * @param args its arguments
   * @return the exit code and output
   * @throws IOException if the child's files cannot be written or read
   * @throws InterruptedException if interrupted while waiting
   * @throws AssertionError if the child runs longer than {@link #TIMEOUT_SECONDS}
   */
  public Result runModule(Path application, String moduleAndMain, String... args)
      throws IOException, InterruptedException {
    List<Path> mp = withLogging();
    mp.add(application);
    List<String> command = javaCommand();
    command.add("--module-path");
    command.add(joined(mp));
    command.add("-m");
    command.add(moduleAndMain);
    command.addAll(List.of(args));
    return start(command);
  }

  /**
   * The module path or classpath this child is given, logging jars included.
   *
   * @return the entries, in order
   */
  public List<Path> withLogging() {
    List<Path> cp = new ArrayList<>(classpath);
    for (Artifact a : LOGGING) {
      if (!cp.contains(a.location())) {
        cp.add(a.location());
      }
    }
    return cp;
  }

  private static String joined(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  private List<String> javaCommand() throws IOException {
    Path logback = Files.writeString(workDir.resolve("logback-child.xml"), LOGBACK_XML);
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Dlogback.configurationFile=" + logback);
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    return command;
  }

  private Result start(List<String> command) throws IOException, InterruptedException {
    Path stdout = workDir.resolve("child.out");
    Path stderr = workDir.resolve("child.err");

    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("JOBLIB4J_"));
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.remove("_JAVA_OPTIONS");
    env.remove("CLASSPATH");
    env.putAll(environment);
    pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());

    Process process = pb.start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "Child JVM still running after "
              + TIMEOUT_SECONDS
              + " s, killed\n"
              + describe(command, environment, read(stdout), read(stderr)));
    }
    return new Result(command, environment, process.exitValue(), read(stdout), read(stderr));
  }

  private static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static String describe(
      List<String> command, Map<String, String> env, String stdout, String stderr) {
    return "command: "
        + String.join(" ", command)
        + "\nenvironment added: "
        + env
        + "\n--- stdout ---\n"
        + stdout
        + "--- stderr ---\n"
        + stderr
        + "--------------";
  }

  /**
   * What a child JVM did.
   *
   * @param command its command line
   * @param environment the variables the test added
   * @param exitCode its exit code
   * @param stdout everything it wrote to stdout
   * @param stderr everything it wrote to stderr
   */
  public record Result(
      List<String> command,
      Map<String, String> environment,
      int exitCode,
      String stdout,
      String stderr) {

    /**
     * Returns stdout split into lines, without line terminators.
     *
     * @return the lines
     */
    public List<String> lines() {
      return stdout.lines().collect(Collectors.toList());
    }

    /**
     * Describes the run for an assertion message: command line, stdout and stderr.
     *
     * @return the description
     */
    public String describe() {
      return ChosenClasspathJvm.describe(command, environment, stdout, stderr);
    }
  }
}
