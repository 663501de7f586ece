package org.joblib4j.it.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * A jar (or {@code target/classes} directory) of this test JVM's classpath that a child JVM may be
 * given. Each is found in {@code java.class.path} by a class only it holds, so the same code works
 * whether Maven hands the test the reactor's {@code target/classes} directories or installed jars.
 */
public enum Artifact {
  /** org.joblib4j:parallel-api. */
  API("org/joblib4j/Parallel.class"),
  /** org.joblib4j:parallel-core. */
  CORE("org/joblib4j/core/DefaultEngine.class"),
  /** org.joblib4j:backend-threading. */
  THREADING("org/joblib4j/backend/threading/ThreadingBackendProvider.class"),
  /** org.joblib4j:parallel-process. */
  PROCESS("org/joblib4j/process/WorkerPool.class"),
  /** org.joblib4j:backend-loky. */
  LOKY("org/joblib4j/backend/loky/LokyBackendProvider.class"),
  /** org.joblib4j:backend-dask-bridge. */
  DASK("org/joblib4j/backend/dask/DaskBackendProvider.class"),
  /** com.google.code.gson:gson. */
  GSON("com/google/gson/Gson.class"),
  /** org.slf4j:slf4j-api. */
  SLF4J_API("org/slf4j/LoggerFactory.class"),
  /** ch.qos.logback:logback-classic. */
  LOGBACK_CLASSIC("ch/qos/logback/classic/LoggerContext.class"),
  /** ch.qos.logback:logback-core. */
  LOGBACK_CORE("ch/qos/logback/core/ConsoleAppender.class");

  private final String marker;
  private Path location;

  Artifact(String marker) {
    this.marker = marker;
  }

  /**
   * Returns where this artifact is on the test JVM's classpath.
   *
   * @return the jar or classes directory
   * @throws IllegalStateException if no classpath entry holds the artifact's marker class
   */
  public synchronized Path location() {
    if (location == null) {
      location = find();
    }
    return location;
  }

  private Path find() {
    String classpath = System.getProperty("java.class.path");
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path path = Path.of(entry);
      if (holdsMarker(path)) {
        return path.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "No entry of java.class.path holds " + marker + " (" + name() + "): " + classpath);
  }

  private boolean holdsMarker(Path path) {
    if (Files.isDirectory(path)) {
      return Files.isRegularFile(path.resolve(marker));
    }
    if (!Files.isRegularFile(path) || !path.toString().endsWith(".jar")) {
      return false;
    }
    try (JarFile jar = new JarFile(path.toFile())) {
      return jar.getEntry(marker) != null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }
}
