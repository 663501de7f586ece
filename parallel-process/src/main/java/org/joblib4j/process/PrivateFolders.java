package org.joblib4j.process;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or validates a folder only this user can change. Another local user who creates one of
 * joblib4j's folders first could swap the files inside (code execution as the caller), so every
 * folder of the path is checked: owned by this user (or by root, when it is sticky or not writable
 * by others, such as {@code /tmp}), not a symbolic link, not group- or world-writable unless
 * root-owned and sticky. The private folder itself ends with mode 0700.
 */
public final class PrivateFolders {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFolders.class);
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");
  private static final Map<String, Path> PER_USER = new ConcurrentHashMap<>();

  private PrivateFolders() {}

  /**
   * joblib4j's per-user folder for {@code prefix}, created and checked: {@code
   * <java.io.tmpdir>/<prefix>-<user>}; when that one fails the check (another user created it
   * first, or a folder above it is not safe), a folder under a per-user root: {@code
   * $XDG_RUNTIME_DIR/joblib4j/<prefix>}, else {@code ~/.cache/joblib4j/<prefix>}, with one warning
   * naming the refused folder.
   *
   * @param prefix for example {@code joblib4j-dask}
   * @return the folder (mode 0700)
   * @throws IOException naming every folder tried and why it was refused
   */
  public static Path perUser(String prefix) throws IOException {
    Path done = PER_USER.get(prefix);
    if (done != null) {
      return done;
    }
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    Path dir =
        perUser(
            prefix,
            Path.of(System.getProperty("java.io.tmpdir")),
            xdg == null || xdg.isBlank() ? null : Path.of(xdg),
            Path.of(System.getProperty("user.home")));
    PER_USER.put(prefix, dir);
    return dir;
  }

  /** {@link #perUser(String)} with the roots given (for tests). */
  static Path perUser(String prefix, Path tmpdir, Path xdgRuntimeDir, Path home)
      throws IOException {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    Path shared = tmpdir.resolve(prefix + "-" + user);
    List<Path> candidates = new ArrayList<>(List.of(shared));
    if (xdgRuntimeDir != null) {
      candidates.add(xdgRuntimeDir.resolve("joblib4j").resolve(prefix));
    }
    candidates.add(home.resolve(".cache").resolve("joblib4j").resolve(prefix));
    List<String> refusals = new ArrayList<>();
    for (Path c : candidates) {
      try {
        Path dir = create(c);
        if (!refusals.isEmpty()) {
          LOG.warn("Using {} instead: {}", dir, refusals.get(0));
        }
        return dir;
      } catch (IOException e) {
        refusals.add(e.getMessage());
      }
    }
    throw new IOException(
        "No private folder could be used for " + prefix + ": " + String.join(" | ", refusals));
  }

  /**
   * Creates {@code dir} (and missing parents) with mode 0700, then checks its whole path.
   *
   * @throws IOException naming the folder that failed the check and what to do
   */
  public static Path create(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    createParent(abs);
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      try {
        mkdir(abs);
      } catch (FileAlreadyExistsException e) {
        // created meanwhile: checked below like any existing folder
      }
    }
    checkPath(abs);
    return abs;
  }

  /**
   * Creates {@code dir}, which must not exist yet, with mode 0700 (missing parents too), then
   * checks its whole path; a folder that fails the check is removed again.
   *
   * @throws FileAlreadyExistsException if {@code dir} exists (choose another name)
   * @throws IOException naming the folder that failed the check and what to do
   */
  static Path createNew(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    createParent(abs);
    mkdir(abs);
    try {
      checkPath(abs);
    } catch (IOException e) {
      Files.deleteIfExists(abs);
      throw e;
    }
    return abs;
  }

  private static void createParent(Path abs) throws IOException {
    Path parent = abs.getParent();
    if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      create(parent);
    }
  }

  private static void mkdir(Path abs) throws IOException {
    try {
      Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(PRIVATE));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(abs);
    }
  }

  /**
   * Checks every folder from the root down to {@code dir}; {@code dir} itself must be this user's.
   */
  static void checkPath(Path dir) throws IOException {
    String me = System.getProperty("user.name");
    Path current = dir.getRoot();
    for (Path name : dir) {
      current = current.resolve(name);
      PosixFileAttributes a;
      try {
        a = Files.readAttributes(current, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (UnsupportedOperationException e) {
        return; // not a POSIX file system: nothing to check
      }
      boolean last = current.equals(dir);
      if (a.isSymbolicLink()) {
        throw refused(current, "is a symbolic link");
      }
      if (!a.isDirectory()) {
        throw refused(current, "is not a folder");
      }
      String owner = a.owner().getName();
      boolean mine = owner.equals(me);
      boolean root = owner.equals("root");
      if (!mine && !(root && !last)) {
        throw refused(current, "belongs to " + owner + ", not to " + me);
      }
      Set<PosixFilePermission> p = a.permissions();
      boolean othersWrite =
          p.contains(PosixFilePermission.GROUP_WRITE)
              || p.contains(PosixFilePermission.OTHERS_WRITE);
      if (last) {
        if (!p.equals(PRIVATE)) {
          Files.setPosixFilePermissions(current, PRIVATE); // our own folder: tighten it
        }
      } else if (othersWrite && !(root && sticky(current))) {
        throw refused(
            current, "is writable by other users (" + PosixFilePermissions.toString(p) + ")");
      }
    }
  }

  private static boolean sticky(Path p) throws IOException {
    Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return mode instanceof Integer m && (m & 01000) != 0;
  }

  private static IOException refused(Path p, String why) {
    return new IOException(
        "Refusing to use the private folder "
            + p
            + ": it "
            + why
            + ". Another local user could replace the files in it. Remove it (or fix its owner and mode), "
            + "or choose a folder only you can write (java.io.tmpdir, XDG_RUNTIME_DIR; joblib4j.temp-folder for"
            + " memory-mapped arrays).");
  }
}
