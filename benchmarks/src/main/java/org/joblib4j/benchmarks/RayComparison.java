package org.joblib4j.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ray} row: Ray's runtime is not on Maven Central, so it runs in a child JVM whose class
 * path adds the {@code ray_dist.jar} that {@code RAY_DIST_JAR} names (an embedded head on
 * 127.0.0.1), and reports its measurements on stdout.
 */
public final class RayComparison {
  static final String ENV = "RAY_DIST_JAR";

  /** The child's own plain loop: its speed-up's reference, calibrated and run in the same JVM. */
  static final String LOOP = "java-loop-ray";

  private RayComparison() {}

  /**
   * Why the ray row cannot run here, or {@code null} if it can.
   *
   * @return the reason
   */
  static String missing() {
    String jar = System.getenv(ENV);
    if (jar == null || jar.isBlank()) {
      return ENV + " is not set (it names the ray wheel's ray_dist.jar; see docs/ray.md)";
    }
    if (!Files.isRegularFile(Path.of(jar))) {
      return ENV + "=" + jar + " is not a file";
    }
    return null;
  }

  /**
   * Measures the ray row in a child JVM.
   *
   * @param args this command's arguments, passed on
   * @return the measurements and skips
   * @throws Exception if the child fails
   */
  static ResultProcess.Output measure(String[] args) throws Exception {
    String cp = System.getProperty("java.class.path") + File.pathSeparator + System.getenv(ENV);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(RayComparison.class.getName());
    cmd.addAll(List.of(args));
    System.err.println("[compare] measuring ray in a child JVM");
    return ResultProcess.run(cmd, "", 3600);
  }

  /**
   * The child JVM's entry: measures joblib4j's {@code ray} backend and prints the results.
   *
   * @param args the comparison's arguments
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    ComparisonOptions o = ComparisonOptions.parse(args);
    JavaContender ray = JavaContenders.ray(o);
    JavaComparison j = JavaComparison.measure(o, List.of(ray, JavaContenders.loop(LOOP)));
    j.measurements().forEach(m -> System.out.println(ResultProcess.format(m)));
    j.skipped().stream()
        .filter(s -> s.implementation().equals(ray.id()))
        .forEach(s -> System.out.println("META skipped:" + s.section() + " " + s.reason()));
    System.out.flush();
    System.exit(0);
  }
}
