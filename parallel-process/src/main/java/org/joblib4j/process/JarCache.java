package org.joblib4j.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule every classpath cache follows (the caller's packed directories of {@link ClasspathJars},
 * and each Dask worker host's {@code jbridge-jars}, {@code prune_jar_cache} in the dask bridge's
 * {@code jbridge_core.py}): a jar's modification time is its last use; jars not in use go when
 * unused for longer than the maximum age, then the least recently used until the cache is within
 * its maximum size. A jar used within {@link #GRACE} always stays: another JVM may be starting from
 * it.
 */
public final class JarCache {
  /** How long an unused jar stays by default. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

  /** What a cache holds at most by default. */
  public static final long DEFAULT_MAX_BYTES = 2L << 30;

  /** A jar used this recently always stays. */
  public static final Duration GRACE = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(JarCache.class);

  private JarCache() {}

  /** Marks jars as used now. */
  public static void touch(Collection<Path> jars) {
    FileTime now = FileTime.from(Instant.now());
    for (Path jar : jars) {
      try {
        Files.setLastModifiedTime(jar, now);
      } catch (IOException e) {
        LOG.debug("Could not mark {} as used", jar, e);
      }
    }
  }

  /**
   * Deletes the jars (and leftover {@code .tmp} files) of a cache folder that the rule lets go.
   *
   * @param folder the cache
   * @param keep jars in use, never deleted
   * @param maxAge how long an unused jar stays
   * @param maxBytes what the folder holds at most, beyond the jars kept and those in their grace
   * @param now the time to judge by
   * @return the files deleted
   */
  public static List<Path> prune(
      Path folder, Set<Path> keep, Duration maxAge, long maxBytes, Instant now) {
    record Cached(Path path, Instant used, long size) {}
    List<Cached> cached = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".jar") && !name.endsWith(".tmp")) {
          continue;
        }
        try {
          BasicFileAttributes a =
              Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()) {
            cached.add(new Cached(f, a.lastModifiedTime().toInstant(), a.size()));
          }
        } catch (NoSuchFileException gone) {
          // pruned by another JVM meanwhile
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      LOG.debug("Could not read the jar cache {}", folder, e);
      return List.of();
    }
    long total = cached.stream().mapToLong(Cached::size).sum();
    cached.sort(Comparator.comparing(Cached::used));
    List<Path> removed = new ArrayList<>();
    for (Cached c : cached) {
      Duration unused = Duration.between(c.used(), now);
      if (keep.contains(c.path()) || unused.compareTo(GRACE) < 0) {
        continue;
      }
      if (unused.compareTo(maxAge) > 0 || total > maxBytes) {
        try {
          Files.deleteIfExists(c.path());
          total -= c.size();
          removed.add(c.path());
        } catch (IOException e) {
          LOG.debug("Could not prune {}", c.path(), e);
        }
      }
    }
    if (!removed.isEmpty()) {
      LOG.debug("Pruned {} jars from {}", removed.size(), folder);
    }
    return removed;
  }
}
