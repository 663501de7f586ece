package org.joblib4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.joblib4j.Backends;

/**
 * Which backends run here and what the others need, for {@code --help}: the fat jar ships every
 * backend, but dask needs Debian's Python packages and ray needs Ray's own runtime jar.
 */
public final class BackendStatus {
  /** The backends the examples' fat jar ships, in the README's order. */
  static final List<String> SHIPPED =
      List.of("sequential", "threading", "loky", "multiprocessing", "dask", "ray", "verify");

  /** The interpreter the dask backend runs unless configured otherwise (its default). */
  private static final String DEFAULT_PYTHON = "/usr/bin/python3";

  private BackendStatus() {}

  /**
   * Returns the default backend's name.
   *
   * @return it
   */
  public static String defaultBackend() {
    return Backends.defaultBackend();
  }

  /**
   * Returns the help text's lines: the backends that run here, then one line per missing backend
   * with what to install.
   *
   * @return the lines, unindented
   */
  public static List<String> lines() {
    Set<String> names = new LinkedHashSet<>(SHIPPED);
    names.addAll(Backends.available());
    List<String> installed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      Optional<String> why = missing(name);
      if (why.isPresent()) {
        missing.add("missing: " + name + " - " + why.get());
      } else {
        installed.add(name);
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("installed: " + String.join(", ", installed));
    lines.addAll(missing);
    return lines;
  }

  /**
   * Says what a backend lacks to run here.
   *
   * @param name the backend
   * @return what to install, or empty when it runs here
   */
  static Optional<String> missing(String name) {
    if (!Backends.available().contains(name)) {
      return Optional.of("its jar is not on the class path");
    }
    return switch (name) {
      case "dask" ->
          daskImports(python())
              ? Optional.empty()
              : Optional.of(
                  "needs Debian's python3-distributed and python3-cryptography for "
                      + python()
                      + ": sudo apt-get install python3-distributed python3-cryptography");
      case "ray" -> RayDistJar.rayOnClassPath() ? Optional.empty() : Optional.of(RayDistJar.HOW);
      default -> Optional.empty();
    };
  }

  /**
   * The interpreter the dask backend will run: its property, its environment variable, or Debian's.
   */
  static String python() {
    String p = System.getProperty("joblib4j.backend.dask.python");
    if (p == null || p.isBlank()) {
      p = System.getenv("JOBLIB4J_BACKEND_DASK_PYTHON");
    }
    return p == null || p.isBlank() ? DEFAULT_PYTHON : p;
  }

  /** Whether the interpreter imports what the dask backend's sidecar and local cluster need. */
  static boolean daskImports(String python) {
    if (!Files.isExecutable(Path.of(python))) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder(python, "-c", "import distributed, cryptography")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
