package org.joblib4j.backend.ray;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.process.SharingOptions;
import org.joblib4j.spi.BackendContext;

/**
 * The {@code ray} backend's parameters ({@code joblib4j.backend.ray.<key>}, or {@code
 * Parallel.builder().backend("ray", Map.of(key, value))}).
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>address</td><td>unset</td><td>an existing cluster's GCS address {@code host:port}; unset starts the
 *       embedded head (a private single-node cluster on 127.0.0.1)</td></tr>
 *   <tr><td>local-mode</td><td>false</td><td>Ray's in-process local mode (unit tests; no Python needed)</td></tr>
 *   <tr><td>node-ip</td><td>127.0.0.1 for the embedded head or a loopback address</td><td>{@code ray.node-ip}</td></tr>
 *   <tr><td>code-search-path</td><td>this JVM's classpath without ray_dist.jar</td><td>the caller's classes: with
 *       {@code classpath-mode=shared} where the Java workers load them ({@code ray.job.code-search-path}; the
 *       paths must exist on every node), with {@code ship} what is shipped</td></tr>
 *   <tr><td>classpath-mode</td><td>{@code shared} for the embedded head, {@code ship} for an address</td><td>{@code
 *       ship}: the classpath travels as a Ray package ({@link RayPackage}) through the cluster's GCS, once per
 *       content; {@code shared}: every node has it at the same paths</td></tr>
 *   <tr><td>python</td><td>the interpreter of the {@code ray} executable</td><td>Ray's Python, which uploads the
 *       package ({@link GcsPackages})</td></tr>
 *   <tr><td>resources</td><td>none</td><td>custom Ray resources each batch asks for besides {@code CPU}, such as
 *       {@code GPU=1,big-memory=1}</td></tr>
 *   <tr><td>worker-jvm-options (or jvm-args)</td><td>none</td><td>extra worker JVM flags, a list or space separated (the ten
 *       {@code --add-opens} flags Ray needs on JDK 17+ are always added)</td></tr>
 *   <tr><td>cpus-per-task</td><td>1</td><td>the {@code CPU} each batch asks for; never 0</td></tr>
 *   <tr><td>max-retries</td><td>0</td><td>how many times a batch whose worker died is rerun on a new worker</td></tr>
 *   <tr><td>ray-executable</td><td>the wheel's {@code bin/ray} next to ray_dist.jar, else {@code ray} on the
 *       PATH</td><td>embedded head</td></tr>
 *   <tr><td>head-cpus</td><td>the machine's CPUs</td><td>{@code --num-cpus} of the embedded head</td></tr>
 *   <tr><td>object-store-memory</td><td>256m</td><td>{@code --object-store-memory} of the embedded head</td></tr>
 *   <tr><td>temp-dir</td><td>/tmp</td><td>parent of the embedded head's short session directory</td></tr>
 *   <tr><td>head-start-timeout</td><td>60s</td><td>how long the embedded head may take to start</td></tr>
 * </table>
 */
record RayOptions(
    String address,
    boolean localMode,
    String nodeIp,
    String codeSearchPath,
    List<String> workerJvmOptions,
    double cpusPerTask,
    int maxRetries,
    boolean shipClasspath,
    String python,
    Map<String, Double> resources,
    String rayExecutable,
    int headCpus,
    long objectStoreMemory,
    Path tempDir,
    Duration headStartTimeout) {

  static final Set<String> KEYS =
      Set.of(
          "address",
          "local-mode",
          "node-ip",
          "code-search-path",
          "worker-jvm-options",
          "cpus-per-task",
          "max-retries",
          "classpath-mode",
          "python",
          "resources",
          "ray-executable",
          "head-cpus",
          "object-store-memory",
          "temp-dir",
          "head-start-timeout");

  /** The old name of an option: loky and multiprocessing said {@code jvm-args}. */
  static final Map<String, String> ALIASES = Map.of("jvm-args", "worker-jvm-options");

  static RayOptions from(BackendContext context) {
    BackendContext c = context.withAliases(ALIASES);
    Set<String> known = new HashSet<>(KEYS);
    known.addAll(SharingOptions.KEYS);
    c.rejectUnknown(known);
    String address = blankToNull(c.getString("address", null));
    boolean local = c.getBoolean("local-mode", false);
    if (local && address != null) {
      throw new ParallelConfigurationException(
          "joblib4j.backend.ray.local-mode=true and joblib4j.backend.ray.address="
              + address
              + " exclude each other: local mode runs everything in this JVM.");
    }
    double cpus = c.getDouble("cpus-per-task", 1);
    if (!(cpus > 0)) {
      throw c.invalidValue(
          "cpus-per-task",
          "a number > 0 (Ray's Java default of 0 CPU gives unbounded concurrency)");
    }
    int retries = c.getInt("max-retries", 0);
    if (retries < 0) {
      throw c.invalidValue("max-retries", "an integer >= 0");
    }
    int headCpus = c.getInt("head-cpus", Runtime.getRuntime().availableProcessors());
    if (headCpus < 1) {
      throw c.invalidValue("head-cpus", "an integer >= 1");
    }
    long store = c.getSize("object-store-memory", 256L * 1024 * 1024);
    if (store < 78L * 1024 * 1024) {
      throw c.invalidValue(
          "object-store-memory", "a size of at least 78m (Ray's minimum), such as 256m or 1g");
    }
    String mode = c.getString("classpath-mode", address == null ? "shared" : "ship").trim();
    if (!mode.equals("shared") && !mode.equals("ship")) {
      throw c.invalidValue(
          "classpath-mode",
          "shared (every node has this JVM's jars at the same paths) or ship (they travel as a Ray"
              + " package)");
    }
    if (local && mode.equals("ship")) {
      throw new ParallelConfigurationException(
          "joblib4j.backend.ray.classpath-mode=ship needs a cluster; local mode runs everything in"
              + " this JVM.");
    }
    return new RayOptions(
        address,
        local,
        blankToNull(c.getString("node-ip", null)),
        blankToNull(c.getString("code-search-path", null)),
        c.getWords("worker-jvm-options", List.of()),
        cpus,
        retries,
        mode.equals("ship"),
        blankToNull(c.getString("python", null)),
        resources(c),
        blankToNull(c.getString("ray-executable", null)),
        headCpus,
        store,
        Path.of(c.getString("temp-dir", "/tmp")),
        c.getDuration("head-start-timeout", Duration.ofSeconds(60)));
  }

  private static Map<String, Double> resources(BackendContext c) {
    String accepted =
        "a map of custom Ray resource names to numbers > 0, such as GPU=1,big-memory=1 (CPU is"
            + " cpus-per-task)";
    Map<String, Double> out = c.getNumberMap("resources", accepted);
    if (out.containsKey("CPU") || out.values().stream().anyMatch(amount -> !(amount > 0))) {
      throw c.invalidValue("resources", accepted);
    }
    return out;
  }

  /** Which cluster: the runtime of one JVM serves one of them. */
  String target() {
    return localMode ? "local-mode" : address != null ? address : "embedded";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
