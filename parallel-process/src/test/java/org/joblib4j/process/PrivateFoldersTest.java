package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFoldersTest {
  @TempDir Path tmp;

  private static String advice() {
    return ". Another local user could replace the files in it. Remove it (or fix its owner and mode), "
        + "or choose a folder only you can write (java.io.tmpdir, XDG_RUNTIME_DIR; joblib4j.temp-folder for"
        + " memory-mapped arrays).";
  }

  @Test
  void createsANewFolderWithMode0700() throws IOException {
    Path dir = PrivateFolders.create(tmp.resolve("a/b"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PrivateFolders.create(dir)).isEqualTo(dir);
  }

  @Test
  void refusesAFolderAnotherUserCreatedFirst() throws IOException {
    assertThat(System.getProperty("user.name"))
        .as(
            "this test makes a folder owned by another user (chown to nobody), which needs root: run it as root")
        .isEqualTo("root");
    Path dir = Files.createDirectory(tmp.resolve("taken"));
    UserPrincipal nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(dir, nobody);
    assertThatThrownBy(() -> PrivateFolders.create(dir))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Refusing to use the private folder "
                + dir
                + ": it belongs to nobody, not to root"
                + advice());
  }

  @Test
  void refusesASymbolicLink() throws IOException {
    Path target = Files.createDirectory(tmp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
    assertThatThrownBy(() -> PrivateFolders.create(link.resolve("inner")))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Refusing to use the private folder " + link + ": it is a symbolic link" + advice());
  }

  @Test
  void refusesAWorldWritableParent() throws IOException {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> PrivateFolders.create(open.resolve("mine")))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "Refusing to use the private folder "
                + open
                + ": it is writable by other users (rwxrwxrwx)"
                + advice());
  }

  @Test
  void tightensItsOwnWorldWritableFolder() throws IOException {
    Path own = Files.createDirectory(tmp.resolve("own"));
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));
    PrivateFolders.create(own);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own)))
        .isEqualTo("rwx------");
  }

  /** A shared folder taken by {@code nobody}: the per-user folder moves to a per-user root. */
  private Path takenByNobody(String prefix) throws IOException {
    assertThat(System.getProperty("user.name"))
        .as(
            "this test makes a folder owned by another user (chown to nobody), which needs root: run it as root")
        .isEqualTo("root");
    Path shared = Files.createDirectories(tmp.resolve("tmpdir").resolve(prefix + "-root"));
    Files.setOwner(
        shared,
        shared.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    return shared;
  }

  @Test
  void aPerUserFolderIsInTheTempDirWhenItPassesTheCheck() throws IOException {
    Path dir =
        PrivateFolders.perUser(
            "joblib4j-x", tmp.resolve("tmpdir"), tmp.resolve("run"), tmp.resolve("home"));
    assertThat(dir).isEqualTo(tmp.resolve("tmpdir/joblib4j-x-root"));
  }

  @Test
  void aPerUserFolderTakenByAnotherUserMovesToXdgRuntimeDir() throws IOException {
    Path shared = takenByNobody("joblib4j-x");
    Path run = Files.createDirectories(tmp.resolve("run"));
    Path dir =
        PrivateFolders.perUser("joblib4j-x", tmp.resolve("tmpdir"), run, tmp.resolve("home"));
    assertThat(dir).isEqualTo(run.resolve("joblib4j/joblib4j-x"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.getOwner(shared).getName()).isEqualTo("nobody");
  }

  @Test
  void withoutXdgRuntimeDirItMovesToTheUsersCache() throws IOException {
    takenByNobody("joblib4j-x");
    Path dir =
        PrivateFolders.perUser("joblib4j-x", tmp.resolve("tmpdir"), null, tmp.resolve("home"));
    assertThat(dir).isEqualTo(tmp.resolve("home/.cache/joblib4j/joblib4j-x"));
  }

  @Test
  void whenEveryRootFailsTheErrorNamesEachFolder() throws IOException {
    Path shared = takenByNobody("joblib4j-x");
    Path home = Files.createDirectory(tmp.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(
            () -> PrivateFolders.perUser("joblib4j-x", tmp.resolve("tmpdir"), null, home))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "No private folder could be used for joblib4j-x: Refusing to use the private folder "
                + shared
                + ": it belongs to nobody, not to root"
                + advice()
                + " | Refusing to use the private folder "
                + home
                + ": it is writable by other users (rwxrwxrwx)"
                + advice());
  }
}
