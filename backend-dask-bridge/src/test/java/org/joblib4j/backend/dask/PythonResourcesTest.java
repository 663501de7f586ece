package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's Python files are checked by hash in Python, on the bytes that run: a file swapped
 * on disk never runs, and nothing is imported from the current folder ({@code python3 -c} would).
 */
class PythonResourcesTest {
  @TempDir Path dir;
  @TempDir Path cwd;

  private void extract() throws IOException {
    for (Map.Entry<String, byte[]> e : PythonResources.sources().entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
  }

  /**
   * Starts the sidecar with stdin closed (it then exits 0 before any Dask import); returns its exit
   * code.
   */
  private int run(Path stderr) throws Exception {
    Process p =
        new ProcessBuilder(PythonResources.command(DaskOptions.DEFAULT_PYTHON, dir))
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void intactFilesRunAndTheCurrentFolderIsNotOnThePath() throws Exception {
    extract();
    Path marker = cwd.resolve("imported");
    Files.writeString(cwd.resolve("json.py"), "open(" + pyString(marker) + ", 'w').close()\n");
    Path err = cwd.resolve("err.txt");
    assertThat(run(err)).as(Files.readString(err)).isEqualTo(0);
    assertThat(marker).doesNotExist();
  }

  @Test
  void aFileSwappedOnDiskIsRefusedAndNeverRuns() throws Exception {
    extract();
    Path marker = cwd.resolve("ran");
    Path core = dir.resolve("jbridge_core.py");
    byte[] evil =
        ("open(" + pyString(marker) + ", 'w').close()\n" + Files.readString(core))
            .getBytes(StandardCharsets.UTF_8);
    Files.write(core, evil);
    String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(evil));
    String want =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(PythonResources.sources().get("jbridge_core.py")));
    Path err = cwd.resolve("err.txt");
    assertThat(run(err)).isEqualTo(6);
    assertThat(Files.readString(err))
        .isEqualTo(
            "joblib4j: refusing to run "
                + core
                + ": its SHA-256 is "
                + got
                + ", not "
                + want
                + " as shipped in the jar\n");
    assertThat(marker).doesNotExist();
  }

  private static String pyString(Path p) {
    return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
