package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;
import org.joblib4j.process.ClasspathJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classpath as a Ray package: its layout, its name, its limits. */
class RayPackageTest {
  @TempDir Path dir;

  private List<ClasspathJars.Jar> classpath(String... contents) throws IOException {
    StringBuilder cp = new StringBuilder();
    for (int i = 0; i < contents.length; i++) {
      Path classes = Files.createDirectories(dir.resolve("m" + i).resolve("classes/com/acme"));
      Files.writeString(classes.resolve("R.txt"), contents[i]);
      cp.append(i == 0 ? "" : ":").append(classes.getParent().getParent());
    }
    return new ClasspathJars(dir.resolve("cache")).jars(cp.toString());
  }

  @Test
  void theZipHoldsAManifestJarListingTheJarsInClasspathOrder() throws Exception {
    RayPackage pkg = RayPackage.of(classpath("first", "second"));
    Path zip = dir.resolve("p.zip");
    pkg.write(zip);
    Path unzipped = Files.createDirectories(dir.resolve("node"));
    try (ZipFile z = new ZipFile(zip.toFile())) {
      // a packed directory is named after its content's SHA-256, as in ClasspathJars' cache
      assertThat(Collections.list(z.entries()))
          .extracting(e -> e.getName())
          .hasSize(3)
          .satisfies(
              names -> {
                assertThat(names.get(0)).isEqualTo("classpath.jar");
                assertThat(names.get(1)).matches("lib/000-[0-9a-f]{64}\\.jar");
                assertThat(names.get(2)).matches("lib/001-[0-9a-f]{64}\\.jar");
              });
      for (var e : Collections.list(z.entries())) {
        Path out = unzipped.resolve(e.getName());
        Files.createDirectories(out.getParent());
        try (var in = z.getInputStream(e)) {
          Files.copy(in, out);
        }
      }
    }
    try (JarFile manifestJar = new JarFile(unzipped.resolve("classpath.jar").toFile())) {
      assertThat(manifestJar.getManifest().getMainAttributes().getValue("Class-Path"))
          .matches("lib/000-[0-9a-f]{64}\\.jar lib/001-[0-9a-f]{64}\\.jar");
    }
    // as Ray's Java worker sees it (<dir>/* on the class path): the first entry wins
    try (URLClassLoader l =
        new URLClassLoader(new URL[] {unzipped.resolve("classpath.jar").toUri().toURL()}, null)) {
      try (var in = l.getResourceAsStream("com/acme/R.txt")) {
        assertThat(new String(in.readAllBytes())).isEqualTo("first");
      }
    }
    assertThat(pkg.uri()).matches("gcs://_ray_pkg_joblib4j_[0-9a-f]{32}\\.zip");
    assertThat(pkg.jarCount()).isEqualTo(2);
  }

  @Test
  void theNameFollowsTheContentAndTheOrder() throws Exception {
    String a = RayPackage.of(classpath("x", "y")).uri();
    assertThat(RayPackage.of(classpath("x", "y")).uri()).isEqualTo(a);
    assertThat(RayPackage.of(classpath("x", "z")).uri()).isNotEqualTo(a);
    assertThat(RayPackage.of(classpath("y", "x")).uri()).isNotEqualTo(a);
  }

  @Test
  void aPackageLargerThanTheGcsTakesIsRefusedWithWhatToDo() {
    RayPackage.checkSize((512L << 20) - 1, "10.0.0.5:6379");
    assertThatThrownBy(() -> RayPackage.checkSize(600_000_000L, "10.0.0.5:6379"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "This JVM's classpath packs into 600.0 MB, more than the Ray cluster at 10.0.0.5:6379 takes"
                + " in one package (RAY_max_grpc_message_size, 536.9 MB). Ship less"
                + " (joblib4j.backend.ray.code-search-path), or install the jars on every node at the"
                + " same paths and use classpath-mode=shared.");
  }

  @Test
  void aRayErrorThisJvmCannotReadSaysWhatToAddAndTheLikelyCause() {
    var unreadable =
        new RuntimeException(
            new InaccessibleObjectException("Unable to make field ... accessible"));
    assertThat(RayBackend.rayFailure("task 0", unreadable))
        .isEqualTo(
            "Ray failed to run task 0, and this JVM cannot read Ray's error: Ray's exception serializer"
                + " needs --add-opens=java.base/java.lang=ALL-UNNAMED on the driver JVM (add it to see"
                + " the error). A frequent cause: the Ray workers could not load this JVM's classes;"
                + " when the nodes do not have its jars at the same paths, use"
                + " joblib4j.backend.ray.classpath-mode=ship.");
    assertThat(RayBackend.rayFailure("tasks 2-3", new IllegalStateException("gone\nmore")))
        .isEqualTo("Ray failed to run tasks 2-3: IllegalStateException: gone");
  }
}
