package org.joblib4j.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-process folders of joblib4j (memory-mapped arrays, worker sockets, the Ray head's
 * session): named {@code <prefix><pid>.<start>.<namespace>_<random>} (see {@link ProcessStamp}),
 * private (0700, whole path checked). A JVM killed with SIGKILL cannot delete them, so, as loky's
 * resource tracker does, a later JVM does: the first use of a prefix in a folder sweeps that
 * folder's siblings of this user whose owner is gone. Other users' folders and folders of live
 * processes are never touched.
 */
public final class OwnedFolders {
  private static final Logger LOG = LoggerFactory.getLogger(OwnedFolders.class);
  private static final Set<String> SWEPT = ConcurrentHashMap.newKeySet();
  private static final ExecutorService SWEEPER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "joblib4j-folder-sweep");
            t.setDaemon(true);
            return t;
          });

  private OwnedFolders() {}

  /**
   * Creates a new private folder of this process in {@code parent}; the first time for this {@code
   * parent} and {@code prefix}, leftovers of dead processes are swept in the background.
   *
   * @param parent where (created 0700 if missing)
   * @param prefix the start of the name, for example {@code joblib4j-}
   * @return the new folder
   * @throws IOException if it cannot be created, or its path fails the private-folder check
   */
  public static Path create(Path parent, String prefix) throws IOException {
    Path base = parent.toAbsolutePath().normalize();
    String token = ProcessStamp.current().token();
    for (int attempt = 0; ; attempt++) {
      // short: the Ray head's AF_UNIX socket paths live under such a folder; a clash is retried
      String random = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 12, 1 << 16));
      try {
        Path dir = PrivateFolders.createNew(base.resolve(prefix + token + "_" + random));
        sweepOnce(base, prefix);
        return dir;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 50) {
          throw e;
        }
      }
    }
  }

  /**
   * Sweeps {@code parent} for {@code prefix} in the background, once per JVM (later calls return at
   * once).
   *
   * @param parent the folder to sweep
   * @param prefix the start of the names of the folders to judge
   */
  public static void sweepOnce(Path parent, String prefix) {
    Path base = parent.toAbsolutePath().normalize();
    if (SWEPT.add(base + "\0" + prefix)) {
      SWEEPER.execute(() -> sweep(base, prefix));
    }
  }

  /**
   * Removes the folders {@code <parent>/<prefix><stamp>_*} that belong to this user (not symbolic
   * links) and whose owning process is gone.
   *
   * @param parent the folder to sweep
   * @param prefix the start of the names of the folders to judge
   * @return the folders removed
   */
  public static List<Path> sweep(Path parent, String prefix) {
    List<Path> removed = new ArrayList<>();
    String me = System.getProperty("user.name");
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path dir : entries) {
        Optional<ProcessStamp> owner =
            ProcessStamp.parse(dir.getFileName().toString().substring(prefix.length()), '_');
        if (owner.isPresent() && mine(dir, me) && owner.get().gone()) {
          LOG.debug("Removing {}: its process {} is gone", dir, owner.get().pid());
          deleteTree(dir);
          removed.add(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not sweep {} for leftover {}* folders: {}", parent, prefix, e.toString());
    }
    return removed;
  }

  private static boolean mine(Path dir, String me) {
    try {
      PosixFileAttributes a =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isDirectory() && !a.isSymbolicLink() && a.owner().getName().equals(me);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Deletes a tree without following symbolic links (a link is removed, never its target). */
  static void deleteTree(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.debug("Could not remove {}: {}", root, e.toString());
    }
  }
}
