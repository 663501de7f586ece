package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.joblib4j.it.scenario.ThreadingDefault;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * parallel-api, parallel-core and backend-threading: threading is the default, and no worker-JVM
 * code comes with it.
 */
class ThreadingJarTest {
  @TempDir Path dir;

  @Test
  void threadingIsTheDefaultAndRunsTasksConcurrently() throws Exception {
    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir)
            .with(Artifact.API, Artifact.CORE, Artifact.THREADING)
            .run(ThreadingDefault.class);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly(
            "available=[sequential, threading, verify]",
            "default=threading",
            "backend=threading",
            "nJobs=2",
            "results=[1, 4, 9, 16]",
            "offCallerThread=[true, true, true, true]",
            "concurrent=[1, 2]",
            "toolkit=false",
            "verify=The verify backend runs tasks through the process backends' serialization,"
                + " which is in org.joblib4j:parallel-process: add that artifact (loky,"
                + " multiprocessing, dask and ray bring it) to use verify.");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }
}
