package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's cache of packed classpath directories keeps what is used and what is recent. */
class JarCacheTest {
  @TempDir Path cache;

  private final Instant now = Instant.parse("2026-12-03T12:00:00Z");

  private Path jar(String name, int bytes, Duration unused) throws Exception {
    Path p = Files.write(cache.resolve(name), new byte[bytes]);
    Files.setLastModifiedTime(p, FileTime.from(now.minus(unused)));
    return p;
  }

  @Test
  void anUnusedJarGoesAfterTheMaximumAgeAndTheOldestGoFirstOverTheMaximumSize() throws Exception {
    Path month = jar("a.jar", 100, Duration.ofDays(30));
    Path week = jar("b.jar", 100, Duration.ofDays(6));
    Path days = jar("c.jar", 100, Duration.ofDays(2));
    Path hour = jar("d.jar", 100, Duration.ofMinutes(30));
    Path tmp = jar("e.jar.123.tmp", 100, Duration.ofDays(8));
    Path notes = jar("notes.txt", 100, Duration.ofDays(90));
    List<Path> removed = JarCache.prune(cache, Set.of(), Duration.ofDays(7), 250, now);
    // 30 days and the leftover are past the age; then 6 days goes to fit 250 bytes
    assertThat(removed).containsExactly(month, tmp, week);
    assertThat(days).exists();
    assertThat(hour).exists();
    assertThat(notes).exists();
  }

  @Test
  void aJarInUseAndAJarUsedWithinTheGraceStayWhateverTheSize() throws Exception {
    Path used = jar("used.jar", 1000, Duration.ofDays(60));
    Path recent = jar("recent.jar", 1000, JarCache.GRACE.minusMinutes(1));
    Path old = jar("old.jar", 1000, JarCache.GRACE.plusMinutes(1));
    assertThat(JarCache.prune(cache, Set.of(used), Duration.ofDays(7), 0, now))
        .containsExactly(old);
    assertThat(used).exists();
    assertThat(recent).exists();
  }

  @Test
  void aSymbolicLinkIsNeverFollowedNorDeletedAndAMissingCacheIsNothingToPrune() throws Exception {
    Path target = Files.write(Files.createTempFile("joblib4j-keep", ".jar"), new byte[10]);
    try {
      Files.setLastModifiedTime(target, FileTime.from(now.minus(Duration.ofDays(90))));
      Path link = Files.createSymbolicLink(cache.resolve("link.jar"), target);
      assertThat(JarCache.prune(cache, Set.of(), Duration.ofDays(7), 0, now)).isEmpty();
      assertThat(link).exists();
      assertThat(target).exists();
      assertThat(JarCache.prune(cache.resolve("absent"), Set.of(), Duration.ofDays(7), 0, now))
          .isEmpty();
    } finally {
      Files.deleteIfExists(target);
    }
  }

  @Test
  void touchingMarksAJarAsUsedNow() throws Exception {
    Path p = jar("t.jar", 10, Duration.ofDays(30));
    JarCache.touch(List.of(p));
    assertThat(Files.getLastModifiedTime(p).toInstant())
        .isAfter(Instant.now().minus(Duration.ofMinutes(1)));
  }
}
