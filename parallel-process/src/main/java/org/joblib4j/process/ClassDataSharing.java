package org.joblib4j.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts worker JVM start-up with an AppCDS archive of the classes a worker loads. The archive is
 * built once per JDK and classpath, in the background, by a short training JVM ({@code
 * -XX:ArchiveClassesAtExit}); workers started after it exists map it ({@code
 * -XX:SharedArchiveFile}). On JDK 25 and later it is an ahead-of-time cache instead (JEP 483/514/
 * 515: classes loaded and linked, and method profiles; {@code -XX:AOTCacheOutput}, then {@code
 * -XX:AOTCache}). Either is named after the jars' sizes and times as well as their paths: JDK 17
 * rejects an archive whose jars changed and then starts every worker without one (measured: a
 * worker's start-up CPU rose from 0.22 s to 0.30 s after the application jar was rebuilt), and JDK
 * 25.0.3 does not reject a cache whose jars changed (JDK-8377932). The folder keeps the {@value
 * #KEPT} newest archives. Worker JVM options that choose their own class data sharing ({@code
 * -Xshare:*}, {@code -XX:SharedArchiveFile}, {@code -XX:AOT*}) turn it off. Set {@code
 * joblib4j.worker.cds=false} to switch it off.
 */
final class ClassDataSharing {
  private static final Logger LOG = LoggerFactory.getLogger(ClassDataSharing.class);
  private static final String ENABLED = "joblib4j.worker.cds";

  /**
   * Runs the training JVM, then publishes its archive by an atomic rename (or removes a failed
   * one).
   */
  private static final String PUBLISH =
      "\"$@\" && [ -s \"$JOBLIB4J_CDS_TMP\" ] && exec mv -f \"$JOBLIB4J_CDS_TMP\" \"$JOBLIB4J_CDS_ARCHIVE\";"
          + " rm -f \"$JOBLIB4J_CDS_TMP\"; exit 1";

  /** How many archives the folder keeps: each rebuilt jar names a new one. */
  static final int KEPT = 8;

  private static boolean building;
  private static boolean distrustReported;

  private ClassDataSharing() {}

  /** The JVM's own class data sharing, with no archive of ours. */
  private static final List<String> DEFAULT = List.of("-Xshare:auto");

  /** Whether this JDK has the ahead-of-time cache's one-step creation ({@code AOTCacheOutput}). */
  static final boolean AOT = Runtime.version().feature() >= 25;

  /**
   * The class data sharing options for a worker: the archive when it exists; starts building it
   * otherwise.
   *
   * @param classPath the worker's class path
   * @param userOptions the worker JVM options the user gave
   * @return the options
   */
  static synchronized List<String> jvmArgs(String classPath, List<String> userOptions) {
    for (String o : userOptions) {
      if (o.startsWith("-Xshare")
          || o.startsWith("-XX:SharedArchiveFile")
          || o.startsWith("-XX:AOT")) {
        return List.of(); // theirs: ours would be ignored, or with AOTCache refuse to start
      }
    }
    if (!Boolean.parseBoolean(System.getProperty(ENABLED, "true"))) {
      return DEFAULT;
    }
    Path archive = archive(classPath);
    if (archive == null || !onlyJars(classPath)) {
      return DEFAULT;
    }
    if (!trusted(archive.getParent())) {
      return DEFAULT;
    }
    if (Files.isReadable(archive)) {
      // a cache that does not fit (another GC's heap layout) is skipped silently: the logs would
      // otherwise go to the worker's stdout
      return AOT
          ? List.of("-XX:AOTCache=" + archive, "-Xlog:aot=off", "-Xlog:cds=off")
          : List.of(
              "-Xshare:auto",
              "-XX:SharedArchiveFile=" + archive,
              "-Xlog:cds=off",
              "-Xlog:cds+dynamic=off");
    }
    if (!building) {
      building = true;
      Thread t = new Thread(() -> build(archive, classPath), "joblib4j-cds-training");
      t.setDaemon(true);
      t.start();
    }
    return DEFAULT;
  }

  /**
   * An archive in a folder another user could write would choose every worker's classes: not used.
   */
  private static boolean trusted(Path folder) {
    try {
      PrivateFolders.create(folder);
      return true;
    } catch (IOException e) {
      reportOff(e);
      return false;
    }
  }

  /** Says once why workers start without an archive of ours. */
  private static void reportOff(IOException e) {
    if (!distrustReported) {
      distrustReported = true;
      LOG.warn("Worker class data sharing is off: {}", e.getMessage());
    }
  }

  /**
   * CDS maps classes from jars only: a classpath with class directories (an IDE, a test run) cannot
   * use it.
   */
  private static boolean onlyJars(String classPath) {
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.endsWith(".jar")) {
        return false;
      }
    }
    return !classPath.isEmpty();
  }

  /** The archive of each class path, named once: naming it reads every jar's size and time. */
  private static final java.util.Map<String, java.util.Optional<Path>> ARCHIVES =
      new java.util.HashMap<>();

  private static Path archive(String classPath) {
    return ARCHIVES
        .computeIfAbsent(classPath, cp -> java.util.Optional.ofNullable(name(cp)))
        .orElse(null);
  }

  /**
   * Names the archive of a class path: its JDK, its jars and their sizes and times.
   *
   * @param classPath the worker's class path
   * @return the archive's path, or {@code null} when its folder cannot be made private
   */
  static Path name(String classPath) {
    // CRC32 and String.hashCode, not SHA-256: no security providers to load before the first
    // worker starts; a collision only costs a rejected archive (the JVM validates the classpath)
    String id =
        System.getProperty("java.home")
            + '\0'
            + System.getProperty("java.vm.version")
            + '\0'
            + classPath
            + '\0'
            + jarStamps(classPath);
    CRC32 crc = new CRC32();
    crc.update(id.getBytes(StandardCharsets.UTF_8));
    String key =
        Long.toHexString(crc.getValue())
            + Integer.toHexString(id.hashCode())
            + Integer.toHexString(id.length());
    try {
      return PrivateFolders.perUser("joblib4j-cds").resolve(key + (AOT ? ".aot" : ".jsa"));
    } catch (IOException e) {
      reportOff(e);
      return null;
    }
  }

  /** Each jar's size and modification time: a rebuilt jar names another cache. */
  private static String jarStamps(String classPath) {
    StringBuilder out = new StringBuilder();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      java.io.File f = new java.io.File(entry);
      out.append(f.length()).append(':').append(f.lastModified()).append(';');
    }
    return out.toString();
  }

  private static void build(Path archive, String classPath) {
    try {
      PrivateFolders.create(archive.getParent());
      prune(archive.getParent());
      Path tmp = Files.createTempFile(archive.getParent(), "training-", AOT ? ".aot" : ".jsa");
      Files.delete(tmp);
      List<String> java = new ArrayList<>();
      java.add(WorkerLauncher.javaExecutable());
      if (AOT) {
        // at exit the training JVM starts one more that writes the cache, then waits for it
        java.add("-XX:AOTCacheOutput=" + tmp);
        java.add("-Xlog:aot=off");
      } else {
        java.add("-XX:ArchiveClassesAtExit=" + tmp);
        java.add("-Xlog:cds+dynamic=off");
      }
      java.add("-Xlog:cds=off");
      java.add("-XX:+UseSerialGC");
      java.add("-cp");
      java.add(classPath);
      java.add(CdsTraining.class.getName());
      ProcessBuilder pb;
      Path sh = Path.of("/bin/sh");
      if (Files.isExecutable(sh)) {
        // the archive is written when the training JVM exits, often after this (short-lived) JVM
        // has exited too: a shell outlives us and publishes the finished archive atomically
        List<String> cmd =
            new ArrayList<>(List.of(sh.toString(), "-c", PUBLISH, "joblib4j-cds-training"));
        cmd.addAll(java);
        pb = new ProcessBuilder(cmd);
        pb.environment().put("JOBLIB4J_CDS_TMP", tmp.toString());
        pb.environment().put("JOBLIB4J_CDS_ARCHIVE", archive.toString());
      } else {
        pb = new ProcessBuilder(java);
      }
      Process p =
          pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.isReadable(archive)) {
        LOG.debug("Built the worker CDS archive {}", archive);
      } else if (p.isAlive()
          || p.exitValue() != 0
          || !Files.isRegularFile(tmp)
          || Files.size(tmp) == 0) {
        p.destroyForcibly();
        Files.deleteIfExists(tmp);
        LOG.debug("Could not build a worker CDS archive; workers start without it");
      } else {
        Files.move(
            tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.debug("Built the worker CDS archive {}", archive);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      LOG.debug("Could not build a worker CDS archive: {}", e.toString());
    }
  }

  /** Deletes all but the {@link #KEPT} newest archives; training files are left to their build. */
  static void prune(Path folder) throws IOException {
    List<Path> archives = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(folder)) {
      files
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return !n.startsWith("training-") && (n.endsWith(".jsa") || n.endsWith(".aot"));
              })
          .forEach(archives::add);
    }
    if (archives.size() <= KEPT) {
      return;
    }
    java.util.Map<Path, Long> times = new java.util.HashMap<>();
    for (Path a : archives) {
      try {
        times.put(a, Files.getLastModifiedTime(a).toMillis());
      } catch (IOException e) {
        times.put(a, 0L); // already gone
      }
    }
    archives.sort(java.util.Comparator.comparing((Path a) -> times.get(a)).reversed());
    for (Path old : archives.subList(KEPT, archives.size())) {
      // a worker that maps it keeps its pages: deleting a mapped file is safe
      Files.deleteIfExists(old);
    }
  }
}
