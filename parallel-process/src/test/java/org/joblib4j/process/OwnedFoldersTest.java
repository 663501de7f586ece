package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep of per-process folders whose owner was killed (loky's resource tracker, done by a later
 * JVM).
 */
class OwnedFoldersTest {
  static final String PREFIX = "joblib4j-test-";
  @TempDir Path tmp;
  private Process sleeper;

  @AfterEach
  void stopSleeper() throws InterruptedException {
    if (sleeper != null) {
      sleeper.destroyForcibly();
      sleeper.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process sleeper() throws IOException {
    sleeper = new ProcessBuilder("sleep", "600").start();
    return sleeper;
  }

  private Path folderOf(ProcessStamp owner) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(PREFIX + owner.token() + "_abc1234"));
    Files.writeString(dir.resolve("data.bin"), "x");
    return dir;
  }

  /** The stamp of a process that has exited (and was reaped). */
  private static ProcessStamp deadStamp() throws Exception {
    Process p = new ProcessBuilder("sleep", "600").start();
    ProcessStamp stamp = ProcessStamp.of(p.pid());
    p.destroyForcibly();
    p.onExit().get(10, TimeUnit.SECONDS);
    return stamp;
  }

  @Test
  void aNewFolderIsPrivateAndNamedAfterThisProcess() throws IOException {
    Path dir = OwnedFolders.create(tmp.resolve("missing"), PREFIX);
    assertThat(dir.getFileName().toString())
        .startsWith(PREFIX + ProcessHandle.current().pid() + ".t")
        .matches(PREFIX + "\\d+\\.t[0-9a-z]+\\.[0-9a-z]+_[0-9a-f]{4}");
    assertThat(ProcessStamp.parse(dir.getFileName().toString().substring(PREFIX.length()), '_'))
        .contains(ProcessStamp.current());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(OwnedFolders.sweep(dir.getParent(), PREFIX)).isEmpty();
    assertThat(dir).isDirectory();
  }

  @Test
  void theFolderOfADeadProcessIsRemoved() throws Exception {
    Path dir = folderOf(deadStamp());
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).containsExactly(dir);
    assertThat(dir).doesNotExist();
  }

  @Test
  void theFolderOfALiveProcessIsKept() throws Exception {
    Path dir = folderOf(ProcessStamp.of(sleeper().pid()));
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).isEmpty();
    assertThat(dir.resolve("data.bin")).hasContent("x");
  }

  @Test
  void aReusedPidWithAnotherStartTimeDoesNotKeepTheFolder() throws Exception {
    ProcessStamp live = ProcessStamp.of(sleeper().pid());
    assertThat(live.start()).startsWith("t");
    // the pid's earlier owner started at another time: the folder is a leftover of that one
    Path dir = folderOf(new ProcessStamp(live.pid(), "t1", live.namespace()));
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).containsExactly(dir);
    assertThat(dir).doesNotExist();
  }

  @Test
  void anotherUsersFolderIsLeftAlone() throws Exception {
    assertThat(System.getProperty("user.name"))
        .as(
            "this test makes a folder owned by another user (chown to nobody), which needs root: run it as root")
        .isEqualTo("root");
    Path dir = folderOf(deadStamp());
    UserPrincipal nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(dir, nobody);
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).isEmpty();
    assertThat(dir.resolve("data.bin")).hasContent("x");
  }

  @Test
  void aSymbolicLinkIsNotFollowed() throws Exception {
    Path target = Files.createDirectory(tmp.resolve("target"));
    Files.writeString(target.resolve("keep"), "y");
    Path link =
        Files.createSymbolicLink(tmp.resolve(PREFIX + deadStamp().token() + "_abc1234"), target);
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).isEmpty();
    assertThat(link).isSymbolicLink();
    assertThat(target.resolve("keep")).hasContent("y");
  }

  @Test
  void aFolderFromAnotherPidNamespaceIsKept() throws Exception {
    ProcessStamp dead = deadStamp();
    // a container sharing the folder: its pids mean nothing here
    Path dir = folderOf(new ProcessStamp(dead.pid(), dead.start(), "zz"));
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).isEmpty();
    assertThat(dir).isDirectory();
  }

  @Test
  void namesWithoutAStampAreNotJudged() throws Exception {
    Path legacy = Files.createDirectory(tmp.resolve(PREFIX + "1234567890123"));
    Path other = Files.createDirectory(tmp.resolve(PREFIX + "dask-root"));
    assertThat(OwnedFolders.sweep(tmp, PREFIX)).isEmpty();
    assertThat(legacy).isDirectory();
    assertThat(other).isDirectory();
  }
}
