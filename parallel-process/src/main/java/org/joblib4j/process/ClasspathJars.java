package org.joblib4j.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Turns a classpath into content-addressed jars for cluster workers that do not share the caller's
 * file system (dask's {@code classpath-mode=ship}, ray's package): jars go as they are, directories
 * (such as {@code target/classes}) are packed into deterministic jars (sorted entries, fixed
 * times), so the same content always has the same SHA-256 and workers reuse their cached copy.
 */
public final class ClasspathJars {
  /** Packed directories and their hashes live here (mode 0700). */
  private final Path cacheDir;

  private final Map<String, Entry> memo = new ConcurrentHashMap<>();

  /**
   * A jar to ship.
   *
   * @param path where it is on this machine
   * @param sha256 its content's hash, in hex
   */
  public record Jar(Path path, String sha256) {}

  private record Entry(String signature, Jar jar) {}

  /**
   * A shipper keeping its packed directories in a private folder.
   *
   * @param cacheDir the folder (created with mode 0700 when needed)
   */
  public ClasspathJars(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /**
   * Returns the jars of a classpath, in classpath order; entries that do not exist are skipped.
   *
   * @param classpath a classpath
   * @return the jars with their hashes
   */
  public List<Jar> jars(String classpath) {
    List<Jar> out = new ArrayList<>();
    for (String e : classpath.split(File.pathSeparator)) {
      if (e.isBlank()) {
        continue;
      }
      Path p = Path.of(e).toAbsolutePath().normalize();
      try {
        if (Files.isDirectory(p)) {
          out.add(directory(p));
        } else if (Files.isRegularFile(p)) {
          out.add(file(p));
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(
            "Could not prepare the classpath entry "
                + p
                + " for cluster workers: "
                + ex.getMessage(),
            ex);
      }
    }
    return out;
  }

  private Jar file(Path p) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
    String signature = a.size() + "/" + a.lastModifiedTime().toMillis();
    Entry cached = memo.get(p.toString());
    if (cached != null && cached.signature.equals(signature)) {
      return cached.jar;
    }
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    Jar jar = new Jar(p, HexFormat.of().formatHex(md.digest()));
    memo.put(p.toString(), new Entry(signature, jar));
    return jar;
  }

  private Jar directory(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(f -> !f.equals(dir)).sorted().collect(Collectors.toList());
    }
    StringBuilder sig = new StringBuilder();
    for (Path f : files) {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
      sig.append(dir.relativize(f))
          .append('/')
          .append(a.size())
          .append('/')
          .append(a.lastModifiedTime().toMillis())
          .append('\n');
    }
    String signature = sig.toString();
    Entry cached = memo.get(dir.toString());
    if (cached != null
        && cached.signature.equals(signature)
        && Files.isRegularFile(cached.jar.path())) {
      return cached.jar;
    }
    byte[] bytes = pack(dir, files);
    String sha = HexFormat.of().formatHex(sha256().digest(bytes));
    Path target = PrivateFolders.create(cacheDir).resolve(sha + ".jar");
    if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
      Path tmp = Files.createTempFile(cacheDir, sha, ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    Jar jar = new Jar(target, sha);
    memo.put(dir.toString(), new Entry(signature, jar));
    return jar;
  }

  /**
   * Packs a directory into a jar whose bytes depend only on the files' names and contents.
   *
   * @param dir the directory
   * @param files its files and folders, sorted
   * @return the jar's bytes
   * @throws IOException if a file cannot be read
   */
  static byte[] pack(Path dir, List<Path> files) throws IOException {
    LocalDateTime fixed = LocalDateTime.of(2000, 1, 1, 0, 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Path f : files) {
        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
        boolean folder = Files.isDirectory(f);
        ZipEntry e = new ZipEntry(folder ? name + "/" : name);
        e.setTimeLocal(fixed);
        zip.putNextEntry(e);
        if (!folder) {
          Files.copy(f, zip);
        }
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /**
   * Prunes the cache of packed directories ({@link JarCache}'s rule), keeping the jars shipped now.
   *
   * @param shipped the jars of the classpath being shipped
   * @param maxAge how long an unused packed directory stays
   * @param maxBytes what the cache holds at most beyond the jars in use
   */
  public void prune(List<Jar> shipped, Duration maxAge, long maxBytes) {
    Set<Path> keep = shipped.stream().map(Jar::path).collect(Collectors.toSet());
    JarCache.touch(keep.stream().filter(p -> p.startsWith(cacheDir)).collect(Collectors.toList()));
    JarCache.prune(cacheDir, keep, maxAge, maxBytes, Instant.now());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
