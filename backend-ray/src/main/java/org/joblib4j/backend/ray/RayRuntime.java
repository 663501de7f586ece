package org.joblib4j.backend.ray;

import io.ray.api.Ray;
import io.ray.api.runtimecontext.NodeInfo;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.joblib4j.process.WorkerLauncher;
import org.joblib4j.process.events.ClusterEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ray runtime of this JVM. {@code Ray.init} is process-wide, so every {@code ray} backend of
 * the JVM shares one runtime, connected to one cluster: an existing one ({@code address}), the
 * embedded head, or local mode. It starts on first use and stays up until {@link #shutdown()} or
 * JVM exit (a shutdown hook), because a new Ray job costs seconds (connecting, worker JVMs).
 *
 * <p>If the application initialized Ray itself, that runtime is used and never shut down here.
 */
public final class RayRuntime {
  /** The Ray version this backend is built and tested for (the wheel's). */
  public static final String RAY_VERSION = "2.58.0";

  private static final Logger LOG = LoggerFactory.getLogger(RayRuntime.class);

  /** Ray needs these on JDK 17+ on the driver and on workers (its FST serializer). */
  static final List<String> ADD_OPENS =
      List.of(
          "java.lang",
          "java.util",
          "java.util.concurrent",
          "java.math",
          "java.net",
          "java.text",
          "java.io",
          "java.nio",
          "java.lang.reflect",
          "java.time");

  private static final Path RAY_TMP = Path.of("/tmp/ray");

  private static RayRuntime current;
  private static boolean hookInstalled;

  private final String target;
  private final boolean owned;
  private final boolean localMode;
  private final EmbeddedHead head;
  private final Set<Path> leftovers;
  private final int cpus;
  private final boolean shipClasspath;

  private RayRuntime(
      String target,
      boolean owned,
      boolean localMode,
      EmbeddedHead head,
      Set<Path> leftovers,
      int cpus,
      boolean shipClasspath) {
    this.target = target;
    this.owned = owned;
    this.localMode = localMode;
    this.head = head;
    this.leftovers = leftovers;
    this.cpus = cpus;
    this.shipClasspath = shipClasspath;
  }

  /** Fails with the install hint when the Ray runtime jar is not on the classpath. */
  static void checkAvailable() {
    try {
      Class.forName("io.ray.api.Ray", false, RayRuntime.class.getClassLoader());
      Class.forName(
          "io.ray.runtime.DefaultRayRuntimeFactory", false, RayRuntime.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new RayUnavailableException(
          "The Ray runtime (ray_dist.jar) is not on the classpath.", e);
    }
  }

  /**
   * Returns this JVM's runtime, starting it for these options if needed.
   *
   * @throws IllegalStateException if it is already connected to another cluster
   */
  static synchronized RayRuntime acquire(RayOptions options) {
    if (current != null) {
      if (current.owned && !current.target.equals(options.target())) {
        throw new IllegalStateException(
            "This JVM's Ray runtime is connected to "
                + current.target
                + "; it cannot also use "
                + options.target()
                + " (Ray.init is process-wide). Call RayRuntime.shutdown() first.");
      }
      if (current.owned && current.shipClasspath != options.shipClasspath()) {
        throw new IllegalStateException(
            "This JVM's Ray job loads the caller's classes "
                + (current.shipClasspath
                    ? "from a shipped package (classpath-mode=ship)"
                    : "from the nodes' own paths (classpath-mode=shared)")
                + "; a backend asking classpath-mode="
                + (options.shipClasspath() ? "ship" : "shared")
                + " cannot change that (one Ray job per JVM). Give every ray backend of the JVM"
                + " the same classpath-mode, or call RayRuntime.shutdown() first.");
      }
      return current;
    }
    checkAvailable();
    if (Ray.isInitialized()) {
      current =
          new RayRuntime("application", false, false, null, Set.of(), clusterCpus(options), false);
      return current;
    }
    installHook();
    EmbeddedHead head = null;
    String address = options.address();
    if (!options.localMode() && address == null) {
      head = EmbeddedHead.start(options, distJar());
      address = head.address();
    }
    Set<String> before = listRayTmp();
    try {
      String jars =
          options.shipClasspath()
              ? RayPackage.ship(classpathOf(options), python(options), address)
              : null;
      configure(options, address, jars);
      long t0 = System.nanoTime();
      Ray.init();
      Log4jStatusQuiet.apply();
      LOG.debug("Ray.init took {} ms", (System.nanoTime() - t0) / 1_000_000);
      ClusterEvents.clusterConnected("ray", address != null ? address : "local mode", t0);
      Set<Path> leftovers = dropNativeCopy(before);
      current =
          new RayRuntime(
              options.target(),
              true,
              options.localMode(),
              head,
              leftovers,
              clusterCpus(options),
              options.shipClasspath());
      return current;
    } catch (RuntimeException | Error e) {
      // a refused connection (a token missing, for one) has loaded the library too
      dropNativeCopy(before);
      if (head != null) {
        head.stop();
      }
      throw e;
    }
  }

  /**
   * Deletes the driver's private copy of libcore_worker_library_java.so (~41 MB in a new numeric
   * /tmp/ray folder, never deleted by Ray; loaded already, so it can go now), and only the folder
   * this JVM loaded it from: another driver's may appear meanwhile. Returns local mode's session
   * directory, whose logs are in use until shutdown.
   */
  private static Set<Path> dropNativeCopy(Set<String> before) {
    Set<Path> leftovers = new LinkedHashSet<>();
    Set<Path> loadedFrom = foldersOfLoadedLibraries();
    for (String name : listRayTmp()) {
      if (before.contains(name)) {
        continue;
      }
      Path p = RAY_TMP.resolve(name);
      if (name.chars().allMatch(Character::isDigit) && loadedFrom.contains(p)) {
        EmbeddedHead.deleteTree(p);
      } else if (name.endsWith("_" + ProcessHandle.current().pid())) {
        leftovers.add(p);
      }
    }
    return leftovers;
  }

  /**
   * Shuts this JVM's Ray runtime down, if this backend started it: {@code Ray.shutdown()}, then the
   * embedded head is stopped by its PID and every temp file is deleted. The next {@code ray} call
   * starts a new one. Idempotent.
   */
  public static synchronized void shutdown() {
    RayRuntime r = current;
    current = null;
    if (r == null || !r.owned) {
      return;
    }
    try {
      Ray.shutdown();
    } catch (RuntimeException e) {
      LOG.debug("Ray.shutdown failed: {}", e.toString());
    }
    if (r.head != null) {
      r.head.stop();
    }
    for (Path p : r.leftovers) {
      EmbeddedHead.deleteTree(p);
    }
  }

  /**
   * Returns what this JVM's runtime is connected to.
   *
   * @return {@code embedded}, {@code local-mode}, a cluster address, {@code application}, or null
   *     when not running
   */
  public static synchronized String target() {
    return current == null ? null : current.target;
  }

  static synchronized RayRuntime current() {
    return current;
  }

  int cpus() {
    return cpus;
  }

  boolean localMode() {
    return localMode;
  }

  EmbeddedHead head() {
    return head;
  }

  private static void installHook() {
    if (!hookInstalled) {
      hookInstalled = true;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(RayRuntime::shutdown, "joblib4j-ray-shutdown"));
    }
  }

  /**
   * Sets Ray's job configuration: the cluster, and where workers find the caller's classes (the
   * code search path, or the package {@code jars} names).
   */
  private static void configure(RayOptions o, String address, String jars) {
    if (o.localMode()) {
      System.setProperty("ray.run-mode", "LOCAL");
      System.setProperty("ray.local-mode", "true");
    } else {
      System.setProperty("ray.address", address);
      String nodeIp = o.nodeIp() != null ? o.nodeIp() : loopbackIp(address);
      if (nodeIp != null) {
        System.setProperty("ray.node-ip", nodeIp);
      }
    }
    if (jars != null) {
      System.setProperty("ray.job.code-search-path", RayPackage.NO_CODE_SEARCH_PATH);
      System.setProperty("ray.job.runtime-env.jars.0", jars);
    } else {
      System.setProperty("ray.job.code-search-path", classpathOf(o));
      System.clearProperty("ray.job.runtime-env.jars.0");
    }
    List<String> jvm = new ArrayList<>();
    for (String pkg : ADD_OPENS) {
      jvm.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 22) {
      jvm.add("--enable-native-access=ALL-UNNAMED");
    }
    jvm.addAll(o.workerJvmOptions());
    for (int i = 0; i < jvm.size(); i++) {
      System.setProperty("ray.job.jvm-options." + i, jvm.get(i));
    }
  }

  private static String classpathOf(RayOptions o) {
    return o.codeSearchPath() != null ? o.codeSearchPath() : codeSearchPath();
  }

  /**
   * The Python that uploads the package: the option, else the interpreter of the {@code ray}
   * executable (its {@code #!} line), else {@code python3}.
   */
  static String python(RayOptions o) {
    if (o.python() != null) {
      return o.python();
    }
    try {
      Path ray = Path.of(EmbeddedHead.rayExecutable(o, distJar()));
      String first;
      try (var lines = Files.lines(ray)) {
        first = lines.findFirst().orElse("");
      }
      if (first.startsWith("#!")) {
        String interpreter = first.substring(2).trim().split("\\s+")[0];
        if (Path.of(interpreter).getFileName().toString().startsWith("python")
            && Files.isExecutable(Path.of(interpreter))) {
          return interpreter;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("No ray executable to take the Python from: {}", e.toString());
    }
    return "python3";
  }

  /**
   * The caller's classpath (Surefire's test classpath when under Surefire) without Ray's own jars.
   */
  static String codeSearchPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = WorkerLauncher.classPath();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String e : cp.split(File.pathSeparator)) {
      if (e.isBlank() || !Files.exists(Path.of(e))) {
        continue;
      }
      String name = Path.of(e).getFileName().toString();
      if (name.equals("ray_dist.jar")
          || name.startsWith("ray-api-")
          || name.startsWith("ray-runtime-")) {
        continue;
      }
      out.add(Path.of(e).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, out);
  }

  /** Where the Ray runtime jar of this JVM is. */
  static Path distJar() {
    try {
      var src = Ray.class.getProtectionDomain().getCodeSource();
      return src == null ? null : Path.of(src.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  static int clusterCpus(RayOptions o) {
    if (o.localMode()) {
      return Parallel.cpuCount();
    }
    try {
      double sum = 0;
      for (NodeInfo n : Ray.getRuntimeContext().getAllNodeInfo()) {
        if (n.isAlive && n.resources != null) {
          sum += n.resources.getOrDefault("CPU", 0.0);
        }
      }
      return (int) Math.floor(sum / o.cpusPerTask());
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not read the Ray cluster's CPUs ({}); assuming {}",
          e.toString(),
          Parallel.cpuCount());
      return Parallel.cpuCount();
    }
  }

  /**
   * The driver's node IP for a head on a loopback address: that address (a head on 127.0.0.3 has
   * its raylet there, not on 127.0.0.1); null for any other address, where Ray finds it.
   */
  static String loopbackIp(String address) {
    String host = address.replaceFirst("^[a-z]+://", "");
    int colon = host.lastIndexOf(':');
    if (colon > 0) {
      host = host.substring(0, colon);
    }
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress() ? a.getHostAddress() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Set<String> listRayTmp() {
    Set<String> names = new HashSet<>();
    if (Files.isDirectory(RAY_TMP)) {
      try (Stream<Path> s = Files.list(RAY_TMP)) {
        s.forEach(p -> names.add(p.getFileName().toString()));
      } catch (IOException e) {
        // nothing to clean then
      }
    }
    return names;
  }

  /** The folders under /tmp/ray holding a shared library mapped into this process. */
  static Set<Path> foldersOfLoadedLibraries() {
    Set<Path> dirs = new HashSet<>();
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
      lines.forEach(
          line -> {
            int slash = line.indexOf('/');
            if (slash >= 0) {
              Path lib = Path.of(line.substring(slash).trim());
              if (RAY_TMP.equals(lib.getParent() == null ? null : lib.getParent().getParent())) {
                dirs.add(lib.getParent());
              }
            }
          });
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "Cannot read /proc/self/maps ({}); keeping every new /tmp/ray folder", e.toString());
    }
    return dirs;
  }
}
