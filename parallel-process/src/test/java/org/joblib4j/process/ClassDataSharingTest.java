package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which class data sharing options a worker JVM gets. */
class ClassDataSharingTest {

  @Test
  void workerOptionsThatChooseTheirOwnSharingGetNoneOfOurs() {
    for (String own :
        List.of(
            "-Xshare:off",
            "-XX:SharedArchiveFile=/x.jsa",
            "-XX:AOTCache=/x.aot",
            "-XX:AOTMode=off")) {
      assertThat(ClassDataSharing.jvmArgs("a.jar", List.of("-Xss2m", own))).as(own).isEmpty();
    }
  }

  @Test
  void aClassPathWithAFolderGetsTheJvmsOwnSharingOnly() {
    assertThat(
            ClassDataSharing.jvmArgs(
                "a.jar" + java.io.File.pathSeparator + "target/classes", List.of()))
        .containsExactly("-Xshare:auto");
  }

  @Test
  void switchedOffItIsTheJvmsOwnSharingOnly() {
    System.setProperty("joblib4j.worker.cds", "false");
    try {
      assertThat(ClassDataSharing.jvmArgs("a.jar", List.of())).containsExactly("-Xshare:auto");
    } finally {
      System.clearProperty("joblib4j.worker.cds");
    }
  }

  @Test
  void aRebuiltJarNamesAnotherArchive(@TempDir Path tmp) throws Exception {
    // JDK 17 rejects an archive whose jar changed, and would then start every worker without one
    Path jar = Files.write(tmp.resolve("app.jar"), new byte[] {1, 2, 3});
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000L));
    Path before = ClassDataSharing.name(jar.toString());

    Files.write(jar, new byte[] {1, 2, 3, 4});
    Path after = ClassDataSharing.name(jar.toString());
    Files.setLastModifiedTime(jar, FileTime.fromMillis(2_000_000L));
    Path touched = ClassDataSharing.name(jar.toString());

    assertThat(before).isNotNull().isNotEqualTo(after);
    assertThat(touched).isNotEqualTo(after).isNotEqualTo(before);
    assertThat(before.getParent()).isEqualTo(after.getParent());
  }

  @Test
  void theFolderKeepsTheNewestArchivesAndRunningTrainings(@TempDir Path tmp) throws Exception {
    for (int i = 0; i < ClassDataSharing.KEPT + 3; i++) {
      Path a =
          Files.write(tmp.resolve("archive" + i + (i % 2 == 0 ? ".jsa" : ".aot")), new byte[1]);
      Files.setLastModifiedTime(a, FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    Files.write(tmp.resolve("training-1.aot"), new byte[1]);
    Files.setLastModifiedTime(tmp.resolve("training-1.aot"), FileTime.fromMillis(1L));
    Files.write(tmp.resolve("notes.txt"), new byte[1]);

    ClassDataSharing.prune(tmp);

    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString()).collect(Collectors.toList()))
          .containsExactlyInAnyOrder(
              "archive3.aot",
              "archive4.jsa",
              "archive5.aot",
              "archive6.jsa",
              "archive7.aot",
              "archive8.jsa",
              "archive9.aot",
              "archive10.jsa",
              "training-1.aot",
              "notes.txt");
    }
  }
}
