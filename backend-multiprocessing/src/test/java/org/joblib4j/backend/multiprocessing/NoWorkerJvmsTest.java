package org.joblib4j.backend.multiprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.joblib4j.process.WorkerLauncher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 10, reference clusters-aot-memmap §6 and case B20: where worker JVMs cannot exist,
 * loky and multiprocessing report themselves unavailable and naming them gives joblib's warning
 * (once per name) and threading. Each case is a child JVM: the switch, a native image, a Java home
 * without {@code bin/java}.
 */
class NoWorkerJvmsTest {
  private static final String SAME_JVM = ", n_jobs 2, ran in this JVM";

  @TempDir Path temp;
  private Process child;

  @AfterEach
  void stopChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  private static List<String> expected(String reason) {
    return List.of(
        "loky -> threading" + SAME_JVM,
        "multiprocessing -> threading" + SAME_JVM,
        "loky -> threading" + SAME_JVM,
        "default -> threading",
        "prefer processes -> threading",
        "child processes: []",
        "WARN joblib backend 'loky' is not available on your system, falling back to threading. (Worker JVMs cannot be"
            + " started: "
            + reason
            + ".)",
        "WARN joblib backend 'multiprocessing' is not available on your system, falling back to threading. (Worker"
            + " JVMs cannot be started: "
            + reason
            + ".)");
  }

  private List<String> runChild(String java, List<String> jvmArgs, Map<String, String> env)
      throws Exception {
    return runChild(List.of(java), jvmArgs, env);
  }

  private List<String> runChild(List<String> launch, List<String> jvmArgs, Map<String, String> env)
      throws Exception {
    List<String> cmd = new ArrayList<>(launch);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(WorkerLauncher.classPath());
    cmd.add(NoWorkerJvmsMain.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(temp.resolve("stderr.txt").toFile());
    pb.environment().remove("JOBLIB4J_MULTIPROCESSING");
    pb.environment().putAll(env);
    child = pb.start();
    String stdout = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(temp.resolve("stderr.txt"))).isZero();
    return stdout
        .lines()
        .filter(l -> l.startsWith("RESULT "))
        .map(l -> l.substring(7))
        .collect(Collectors.toList());
  }

  @Test
  void theEnvironmentSwitchDisablesTheProcessBackends() throws Exception {
    assertThat(
            runChild(
                WorkerLauncher.javaExecutable(),
                List.of(),
                Map.of("JOBLIB4J_MULTIPROCESSING", "0")))
        .containsExactlyElementsOf(
            expected("they are disabled by the environment variable JOBLIB4J_MULTIPROCESSING=0"));
  }

  @Test
  void theSystemPropertySwitchDisablesTheProcessBackendsAndWinsOverTheVariable() throws Exception {
    assertThat(
            runChild(
                WorkerLauncher.javaExecutable(),
                List.of("-Djoblib4j.multiprocessing=false"),
                Map.of("JOBLIB4J_MULTIPROCESSING", "1")))
        .containsExactlyElementsOf(
            expected("they are disabled by the system property joblib4j.multiprocessing=false"));
  }

  @Test
  void aNativeImageCannotStartWorkerJvms() throws Exception {
    assertThat(
            runChild(
                WorkerLauncher.javaExecutable(),
                List.of("-Dorg.graalvm.nativeimage.imagecode=runtime"),
                Map.of()))
        .containsExactlyElementsOf(
            expected(
                "this is a GraalVM native image (org.graalvm.nativeimage.imagecode=runtime), which cannot start JVMs"));
  }

  /**
   * A sandbox that refuses every new process: in its own mount namespace the child JVM's process
   * spawn helper ({@code lib/jspawnhelper}, which JDK 17+ runs for every {@code
   * ProcessBuilder.start}) is covered by {@code /dev/null}, so the JVM itself runs but cannot start
   * any program.
   */
  @Test
  void aSandboxThatRefusesProcessesCannotStartWorkerJvms() throws Exception {
    assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
        .as(
            "this test builds a mount namespace with unshare and needs root; run the suite as root (CI does)")
        .isZero();
    String java = WorkerLauncher.javaExecutable();
    Path helper = Path.of(System.getProperty("java.home"), "lib", "jspawnhelper");
    assertThat(helper).as("the JDK's process spawn helper").isRegularFile();
    List<String> sandbox =
        List.of(
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            "mount --bind /dev/null \"$0\" && exec \"$@\"",
            helper.toString(),
            java);
    assertThat(runChild(sandbox, List.of(), Map.of()))
        .containsExactlyElementsOf(
            expected(
                "this JVM may not start processes (java.io.IOException: Cannot run program \""
                    + java
                    + "\": error=13, Permission denied)"));
  }

  /**
   * A jlink-style image started by its own launcher, with no bin/java: lib and conf are the real
   * JDK's.
   */
  @Test
  void aJavaHomeWithoutALauncherCannotStartWorkerJvms() throws Exception {
    Path realHome = Path.of(WorkerLauncher.javaExecutable()).toRealPath().getParent().getParent();
    Path home = temp.resolve("image");
    Files.createDirectories(home.resolve("bin"));
    Path launcher =
        Files.copy(realHome.resolve("bin").resolve("java"), home.resolve("bin").resolve("app"));
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    Files.createSymbolicLink(home.resolve("lib"), realHome.resolve("lib"));
    Files.createSymbolicLink(home.resolve("conf"), realHome.resolve("conf"));
    Path missing = home.resolve("bin").resolve("java");
    assertThat(runChild(launcher.toString(), List.of("-Djava.home=" + home), Map.of()))
        .containsExactlyElementsOf(
            expected(
                "there is no java launcher at " + missing + " (a jlink image without bin/java?)"));
  }
}
