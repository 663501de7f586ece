package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Directories become deterministic jars: the same content, the same SHA-256. */
class ClasspathJarsTest {

  @Test
  void theSameContentGivesTheSameJarWhateverTheTimes() throws Exception {
    Path root = Files.createTempDirectory("shipper");
    Path a = Files.createDirectories(root.resolve("a/classes/com/acme"));
    Path b = Files.createDirectories(root.resolve("b/classes/com/acme"));
    Files.writeString(a.resolve("X.class"), "x");
    Files.writeString(a.resolve("Y.class"), "y");
    Files.writeString(b.resolve("Y.class"), "y");
    Files.writeString(b.resolve("X.class"), "x");
    Files.setLastModifiedTime(b.resolve("X.class"), FileTime.fromMillis(42));
    Path cache = root.resolve("cache");
    ClasspathJars shipper = new ClasspathJars(cache);
    List<ClasspathJars.Jar> ja = shipper.jars(root.resolve("a/classes").toString());
    List<ClasspathJars.Jar> jb =
        new ClasspathJars(cache).jars(root.resolve("b/classes") + ":" + root.resolve("missing"));
    assertThat(ja).hasSize(1);
    assertThat(jb).hasSize(1);
    assertThat(ja.get(0).sha256()).isEqualTo(jb.get(0).sha256()).hasSize(64);
    assertThat(ja.get(0).path()).isEqualTo(cache.resolve(ja.get(0).sha256() + ".jar"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
        .isEqualTo("rwx------");
    try (JarFile jar = new JarFile(ja.get(0).path().toFile())) {
      assertThat(jar.getEntry("com/acme/X.class")).isNotNull();
    }
    // a change of content changes the hash
    Files.writeString(a.resolve("X.class"), "x2");
    assertThat(shipper.jars(root.resolve("a/classes").toString()).get(0).sha256())
        .isNotEqualTo(ja.get(0).sha256());
  }

  @Test
  void jarsAreHashedAsTheyAre() throws Exception {
    Path root = Files.createTempDirectory("shipper-jar");
    Path jar = root.resolve("lib.jar");
    Files.write(jar, new byte[] {1, 2, 3});
    ClasspathJars.Jar j = new ClasspathJars(root.resolve("cache")).jars(jar.toString()).get(0);
    assertThat(j.path()).isEqualTo(jar);
    assertThat(j.sha256())
        .isEqualTo("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
  }
}
