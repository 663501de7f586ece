package org.joblib4j.backend.dask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.process.JarCache;
import org.joblib4j.process.SharingOptions;
import org.joblib4j.process.WorkerLauncher;
import org.joblib4j.process.WorkerOptionsParser;
import org.joblib4j.spi.BackendContext;

/**
 * The {@code dask} backend's options: {@code joblib4j.backend.dask.<key>} in configuration, or
 * {@code backend("dask", Map.of(...))} / {@code ParallelConfig.builder().backend("dask", ...)} in
 * code. Keys may be written with {@code -} or {@code _} ({@code wait_for_workers_timeout} as in
 * joblib), in any case; the old names {@code worker-idle-timeout} and {@code jvm-args} are read as
 * {@code idle-worker-timeout} and {@code worker-jvm-options}, as loky and multiprocessing name
 * them.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code scheduler}</td><td>{@code tcp://host:port}, {@code tls://host:port}, a scheduler
 *       file, or {@code local[:N]}: a private cluster of N workers on loopback that lives and dies
 *       with the client</td><td>{@code local} (one worker per CPU)</td></tr>
 *   <tr><td>{@code scheduler-file}</td><td>a scheduler file ({@code dask scheduler --scheduler-file})</td><td></td></tr>
 *   <tr><td>{@code python}</td><td>the interpreter that runs the bridge's sidecar</td><td>{@code /usr/bin/python3}</td></tr>
 *   <tr><td>{@code tls-ca-file}, {@code tls-cert}, {@code tls-key}</td><td>mutual TLS: the CA, and
 *       the client's certificate and key (PEM)</td><td></td></tr>
 *   <tr><td>{@code require-encryption}</td><td>refuse unencrypted connections when TLS is set</td><td>{@code true}</td></tr>
 *   <tr><td>{@code local-tls}</td><td>a {@code local} cluster without TLS files uses ephemeral mutual
 *       TLS ({@code Security.temporary()}, needs {@code python3-cryptography}), so other local users
 *       cannot reach it; {@code false}: plain TCP</td><td>{@code true}</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>how long to try to reach the scheduler</td><td>{@code 10s}</td></tr>
 *   <tr><td>{@code wait-for-workers-timeout}</td><td>joblib's: how long a call waits for a first
 *       worker when the cluster has none ({@code 0}: do not wait)</td><td>{@code 10s}</td></tr>
 *   <tr><td>{@code scatter}</td><td>objects broadcast once to every worker; tasks that use them
 *       carry a small handle (code only: a list)</td><td></td></tr>
 *   <tr><td>{@code auto-scatter}, {@code auto-scatter-threshold}</td><td>scatter task arguments and
 *       captured values larger than the threshold, once per call</td><td>{@code true}, {@code 64K}</td></tr>
 *   <tr><td>{@code workers}, {@code resources}, {@code retries}, {@code priority},
 *       {@code allow-other-workers}</td><td>passed to Dask's submit ({@code resources}: a map or
 *       {@code GPU=1,MEM=2e9})</td><td></td></tr>
 *   <tr><td>{@code dask-config}</td><td>Dask configuration set in the sidecar before it connects
 *       (a map, or {@code key=value;key=value}); with {@code local} it configures the private
 *       cluster too</td><td></td></tr>
 *   <tr><td>{@code local-threads}</td><td>threads per worker of a {@code local} cluster</td><td>1</td></tr>
 *   <tr><td>{@code worker-java}</td><td>the {@code java} executors run with on workers (falls back to
 *       {@code java} on the worker's PATH)</td><td>this JVM's</td></tr>
 *   <tr><td>{@code worker-jvm-options} (or {@code jvm-args})</td><td>options of the executor JVMs (a list, or
 *       space separated)</td><td>{@code -XX:+UseSerialGC -Xshare:auto}</td></tr>
 *   <tr><td>{@code worker-heap}</td><td>the executor JVMs' {@code -Xmx} (Dask's memory limit does not
 *       count child processes)</td><td>the JVM's default</td></tr>
 *   <tr><td>{@code idle-worker-timeout} (or {@code worker-idle-timeout})</td><td>an idle executor JVM exits after this; the next task
 *       starts a new one</td><td>{@code 600s}</td></tr>
 *   <tr><td>{@code classpath-mode}</td><td>{@code ship}: the classpath travels to workers once,
 *       content-addressed; {@code shared}: workers use the same paths</td><td>{@code shared} for
 *       {@code local}, else {@code ship}</td></tr>
 *   <tr><td>{@code classpath}</td><td>the classpath executors get</td><td>this JVM's</td></tr>
 *   <tr><td>{@code eager}</td><td>start executor JVMs as soon as the plugin reaches a worker</td><td>{@code true}</td></tr>
 *   <tr><td>{@code result-filter}</td><td>an {@link java.io.ObjectInputFilter} pattern results are
 *       read through ({@code jdk.serialFilter} syntax), on top of the shared {@link
 *       org.joblib4j.process.DeserializationFilter}</td><td>none</td></tr>
 *   <tr><td>{@code send-interval}</td><td>how long the sidecar's client batches messages to the
 *       scheduler (Dask's default is 10 ms; bursts of submissions are grouped anyway)</td><td>{@code 1ms}</td></tr>
 *   <tr><td>{@code startup-timeout}</td><td>how long the sidecar may take to connect (and to start a
 *       local cluster)</td><td>{@code 120s}</td></tr>
 * </table>
 */
public final class DaskOptions {
  /**
   * The default interpreter: Debian's, which {@code apt-get install python3-distributed} serves.
   */
  public static final String DEFAULT_PYTHON = "/usr/bin/python3";

  /** The key of this backend's own result filter, named when it refuses a class. */
  static final String RESULT_FILTER_KEY = "joblib4j.backend.dask.result-filter";

  static final Set<String> SESSION_KEYS =
      Set.of(
          "scheduler",
          "scheduler-file",
          "python",
          "tls-ca-file",
          "tls-cert",
          "tls-key",
          "require-encryption",
          "local-tls",
          "connect-timeout",
          "startup-timeout",
          "dask-config",
          "local-threads",
          "worker-java",
          "worker-jvm-options",
          "worker-heap",
          "idle-worker-timeout",
          "classpath-mode",
          "classpath",
          "eager",
          "send-interval",
          "jar-cache-max-age",
          "jar-cache-max-size");
  static final Set<String> CALL_KEYS =
      Set.of(
          "scatter",
          "wait-for-workers-timeout",
          "auto-scatter",
          "auto-scatter-threshold",
          "workers",
          "resources",
          "retries",
          "priority",
          "allow-other-workers",
          "result-filter",
          "pure");

  /** Where the sidecar connects. */
  enum SchedulerKind {
    LOCAL,
    ADDRESS,
    FILE
  }

  final SchedulerKind kind;
  final String address;
  final int localWorkers;
  final int localThreads;
  final String python;
  final String tlsCa;
  final String tlsCert;
  final String tlsKey;
  final boolean requireEncryption;
  final boolean localTls;
  final Duration connectTimeout;
  final Duration startupTimeout;
  final Map<String, Object> daskConfig;
  final String workerJava;
  final List<String> workerJvmOptions;
  final Duration workerIdleTimeout;
  final boolean ship;
  final String classpath;
  final boolean eager;
  final Duration sendInterval;
  final Duration jarCacheMaxAge;
  final long jarCacheMaxBytes;

  final List<Object> scatter;
  final Duration waitForWorkersTimeout;
  final boolean autoScatter;
  final long autoScatterThreshold;
  final Map<String, Object> submitOptions;
  final String resultFilter;

  private DaskOptions(BackendContext c) {
    String scheduler = c.getString("scheduler", null);
    String file = c.getString("scheduler-file", null);
    if (scheduler != null && file != null) {
      throw new ParallelConfigurationException(
          "Set either joblib4j.backend.dask.scheduler or joblib4j.backend.dask.scheduler-file, not both.");
    }
    int workers = 0;
    if (file != null) {
      kind = SchedulerKind.FILE;
      address = file;
    } else if (scheduler == null || scheduler.trim().toLowerCase(Locale.ROOT).startsWith("local")) {
      kind = SchedulerKind.LOCAL;
      address = "local";
      workers = localWorkers(scheduler);
    } else if (scheduler.contains("://")) {
      kind = SchedulerKind.ADDRESS;
      address = scheduler.trim();
    } else {
      kind = SchedulerKind.FILE;
      address = scheduler.trim();
    }
    if (kind == SchedulerKind.FILE && !Files.isRegularFile(Path.of(address))) {
      throw new ParallelConfigurationException(
          "Invalid value '"
              + address
              + "' for joblib4j.backend.dask.scheduler: must be tcp://host:port, tls://host:port,"
              + " local[:N], or an existing scheduler file (no such file).");
    }
    this.localWorkers = workers;
    this.localThreads = positive(c, "local-threads", 1);
    this.python = c.getString("python", DEFAULT_PYTHON);
    this.tlsCa = c.getString("tls-ca-file", null);
    this.tlsCert = c.getString("tls-cert", null);
    this.tlsKey = c.getString("tls-key", null);
    if ((tlsCert != null || tlsKey != null) && tlsCa == null) {
      throw new ParallelConfigurationException(
          "joblib4j.backend.dask.tls-cert and tls-key need joblib4j.backend.dask.tls-ca-file (the CA"
              + " that signed the scheduler's and workers' certificates).");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParallelConfigurationException(
          "Set both joblib4j.backend.dask.tls-cert and joblib4j.backend.dask.tls-key, or neither.");
    }
    for (String f : new String[] {tlsCa, tlsCert, tlsKey}) {
      if (f != null && !Files.isReadable(Path.of(f))) {
        throw new ParallelConfigurationException(
            "The TLS file '" + f + "' of the dask backend cannot be read.");
      }
    }
    if (kind == SchedulerKind.LOCAL && tlsCa != null && tlsCert == null) {
      throw new ParallelConfigurationException(
          "A local dask cluster with TLS needs joblib4j.backend.dask.tls-cert and tls-key: they serve as the"
              + " scheduler's, the workers' and the client's certificate.");
    }
    this.requireEncryption = c.getBoolean("require-encryption", true);
    this.localTls = c.getBoolean("local-tls", true);
    this.connectTimeout = c.getDuration("connect-timeout", Duration.ofSeconds(10));
    this.startupTimeout = c.getDuration("startup-timeout", Duration.ofSeconds(120));
    this.daskConfig = daskConfig(c);
    this.workerJava = c.getString("worker-java", WorkerLauncher.javaExecutable());
    List<String> jvm =
        new ArrayList<>(
            c.getWords("worker-jvm-options", List.of("-XX:+UseSerialGC", "-Xshare:auto")));
    String heap = c.getString("worker-heap", null);
    if (heap != null) {
      jvm.add("-Xmx" + heap.trim());
    }
    this.workerJvmOptions = List.copyOf(jvm);
    this.workerIdleTimeout = c.getDuration("idle-worker-timeout", Duration.ofSeconds(600));
    String mode =
        c.getString("classpath-mode", kind == SchedulerKind.LOCAL ? "shared" : "ship").trim();
    if (!mode.equals("ship") && !mode.equals("shared")) {
      throw new ParallelConfigurationException(
          "Invalid value '"
              + mode
              + "' for joblib4j.backend.dask.classpath-mode: must be ship or shared.");
    }
    this.ship = mode.equals("ship");
    this.classpath = absolute(c.getString("classpath", WorkerLauncher.classPath()));
    this.eager = c.getBoolean("eager", true);
    this.sendInterval = c.getDuration("send-interval", Duration.ofMillis(1));
    this.jarCacheMaxAge = c.getDuration("jar-cache-max-age", JarCache.DEFAULT_MAX_AGE);
    if (jarCacheMaxAge.isNegative() || jarCacheMaxAge.isZero()) {
      throw c.invalidValue(
          "jar-cache-max-age",
          "a positive duration such as 7d or 12h (how long an unused jar stays in the classpath caches)");
    }
    this.jarCacheMaxBytes = c.getSize("jar-cache-max-size", JarCache.DEFAULT_MAX_BYTES);
    if (jarCacheMaxBytes < 0) {
      throw c.invalidValue(
          "jar-cache-max-size",
          "a size such as 2g or 500m (what the classpath caches keep at most, beyond the jars in use)");
    }

    SharingOptions sharing = SharingOptions.parse(c);
    this.scatter = sharing.scatter();
    this.waitForWorkersTimeout = c.getDuration("wait-for-workers-timeout", Duration.ofSeconds(10));
    this.autoScatter = sharing.auto();
    this.autoScatterThreshold = sharing.threshold();
    this.resultFilter = c.getString("result-filter", null);
    Map<String, Object> submit = new LinkedHashMap<>();
    List<String> w = c.getList("workers", null);
    if (w != null) {
      submit.put("workers", w);
    }
    if (c.get("resources") != null) {
      submit.put("resources", resources(c));
    }
    if (c.get("retries") != null) {
      submit.put("retries", c.getInt("retries", 0));
    }
    if (c.get("priority") != null) {
      submit.put("priority", c.getInt("priority", 0));
    }
    if (c.get("allow-other-workers") != null) {
      submit.put("allow_other_workers", c.getBoolean("allow-other-workers", false));
    }
    this.submitOptions = java.util.Collections.unmodifiableMap(submit);
  }

  /**
   * Reads the options of a backend context, rejecting unknown keys.
   *
   * @param context the context
   * @return the options
   * @throws ParallelConfigurationException naming a bad key or value
   * @throws IllegalArgumentException with joblib's text for a {@code scatter} that is not a list
   */
  static DaskOptions of(BackendContext context) {
    BackendContext c = context.withAliases(WorkerOptionsParser.ALIASES);
    List<String> known = new ArrayList<>(SESSION_KEYS);
    known.addAll(CALL_KEYS);
    c.rejectUnknown(known);
    return new DaskOptions(c);
  }

  /**
   * The identity of the sidecar these options need: calls with the same key share one sidecar (and
   * one client).
   *
   * @return the key
   */
  String sessionKey() {
    return String.join(
        "\u0000",
        kind.name(),
        address,
        Integer.toString(localWorkers),
        Integer.toString(localThreads),
        python,
        String.valueOf(tlsCa),
        String.valueOf(tlsCert),
        String.valueOf(tlsKey),
        Boolean.toString(requireEncryption),
        Boolean.toString(localTls),
        connectTimeout.toString(),
        Json.write(daskConfig),
        workerJava,
        workerJvmOptions.toString(),
        workerIdleTimeout.toString(),
        Boolean.toString(ship),
        classpath,
        Boolean.toString(eager),
        sendInterval.toString(),
        jarCacheMaxAge.toString(),
        Long.toString(jarCacheMaxBytes));
  }

  /**
   * How the scheduler was given, for messages.
   *
   * @return for example {@code tcp://10.0.0.5:8786} or {@code local:2}
   */
  String describeScheduler() {
    switch (kind) {
      case LOCAL:
        return "local:" + localWorkers;
      case FILE:
        return "scheduler file " + address;
      default:
        return address;
    }
  }

  /** Executors run in their worker's folder: relative classpath entries are made absolute here. */
  private static String absolute(String classpath) {
    List<String> out = new ArrayList<>();
    for (String e : classpath.split(java.io.File.pathSeparator)) {
      if (!e.isBlank()) {
        out.add(e.endsWith("*") ? e : Path.of(e).toAbsolutePath().normalize().toString());
      }
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  private static int localWorkers(String scheduler) {
    if (scheduler == null || scheduler.trim().equalsIgnoreCase("local")) {
      return Math.max(1, Parallel.cpuCount());
    }
    String t = scheduler.trim();
    String n = t.substring("local".length()).replaceAll("^[:\\[]|]$", "");
    try {
      int v = Integer.parseInt(n.trim());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ParallelConfigurationException(
        "Invalid value '"
            + scheduler
            + "' for joblib4j.backend.dask.scheduler: must be tcp://host:port, tls://host:port,"
            + " a scheduler file, local or local:N (N workers, N >= 0).");
  }

  private static int positive(BackendContext c, String key, int def) {
    int v = c.getInt(key, def);
    if (v < 1) {
      throw c.invalidValue(key, "a positive integer");
    }
    return v;
  }

  private static Map<String, Object> resources(BackendContext c) {
    return new LinkedHashMap<>(
        c.getNumberMap("resources", "a map of resource names to numbers, such as GPU=1,MEM=2e9"));
  }

  /**
   * Dask's configuration values keep their type: {@code true}, {@code 3} and {@code 1.5} are not
   * text.
   */
  private static Map<String, Object> daskConfig(BackendContext c) {
    Map<String, Object> out = new LinkedHashMap<>();
    c.getMap("dask-config", Map.of()).forEach((k, v) -> out.put(k, scalar(v)));
    return out;
  }

  private static Object scalar(Object v) {
    if (!(v instanceof String)) {
      return v;
    }
    String s = (String) v;
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e2) {
        return s;
      }
    }
  }
}
