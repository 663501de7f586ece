package org.joblib4j.backend.dask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.joblib4j.process.ClasspathJars;
import org.joblib4j.process.PrivateFolders;

/** Where the dask backend keeps its files on the caller's machine. */
final class DaskFolders {
  private DaskFolders() {}

  /**
   * joblib4j's private folder for Dask ({@code <tmpdir>/joblib4j-dask-<user>}, or under a per-user
   * root when another user holds that one: see {@link PrivateFolders#perUser}).
   */
  static Path privateBase() {
    try {
      return PrivateFolders.perUser("joblib4j-dask");
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** The client's packed classpath directories: {@code <private base>/jars}. */
  static ClasspathJars classpathJars() {
    return new ClasspathJars(privateBase().resolve("jars"));
  }
}
