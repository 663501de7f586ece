package org.joblib4j.core.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts worker JVM start-up with an AppCDS archive of the classes a worker loads. The archive is
 * built once per JDK and classpath, in the background, by a short training JVM ({@code
 * -XX:ArchiveClassesAtExit}); workers started after it exists map it ({@code
 * -XX:SharedArchiveFile}). Set {@code joblib4j.worker.cds=false} to switch it off.
 */
final class ClassDataSharing {
  private static final Logger LOG = LoggerFactory.getLogger(ClassDataSharing.class);
  private static final String ENABLED = "joblib4j.worker.cds";
  private static boolean building;

  private ClassDataSharing() {}

  /** The JVM options for a worker: the archive when it exists; starts building it otherwise. */
  static synchronized List<String> jvmArgs(String classPath) {
    if (!Boolean.parseBoolean(System.getProperty(ENABLED, "true"))) {
      return List.of();
    }
    Path archive = archive(classPath);
    if (archive == null || !onlyJars(classPath)) {
      return List.of();
    }
    if (Files.isReadable(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }
    if (!building) {
      building = true;
      Thread t = new Thread(() -> build(archive, classPath), "joblib4j-cds-training");
      t.setDaemon(true);
      t.start();
    }
    return List.of();
  }

  /** CDS maps classes from jars only: a classpath with class directories (an IDE, a test run) cannot use it. */
  private static boolean onlyJars(String classPath) {
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.endsWith(".jar")) {
        return false;
      }
    }
    return !classPath.isEmpty();
  }

  private static Path archive(String classPath) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
      sha.update(System.getProperty("java.vm.version").getBytes(StandardCharsets.UTF_8));
      sha.update(classPath.getBytes(StandardCharsets.UTF_8));
      String key = HexFormat.of().formatHex(sha.digest()).substring(0, 24);
      return Path.of(System.getProperty("java.io.tmpdir"), "joblib4j-cds-" + System.getProperty("user.name", "user"), key + ".jsa");
    } catch (NoSuchAlgorithmException e) {
      return null;
    }
  }

  private static void build(Path archive, String classPath) {
    try {
      Files.createDirectories(archive.getParent());
      Path tmp = Files.createTempFile(archive.getParent(), "training-", ".jsa");
      Files.delete(tmp);
      List<String> cmd = new ArrayList<>();
      cmd.add(WorkerLauncher.javaExecutable());
      cmd.add("-XX:ArchiveClassesAtExit=" + tmp);
      cmd.add("-Xlog:cds=off");
      cmd.add("-Xlog:cds+dynamic=off");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-cp");
      cmd.add(classPath);
      cmd.add(CdsTraining.class.getName());
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.size(tmp) > 0) {
        Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.debug("Built the worker CDS archive {}", archive);
      } else {
        p.destroyForcibly();
        Files.deleteIfExists(tmp);
        LOG.debug("Could not build a worker CDS archive; workers start without it");
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      LOG.debug("Could not build a worker CDS archive: {}", e.toString());
    }
  }

}
