package org.joblib4j.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
