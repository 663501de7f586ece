package org.joblib4j.backend.ray;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.joblib4j.process.ClasspathJars;
import org.joblib4j.process.JarCache;
import org.joblib4j.process.PrivateFolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's classpath as one Ray package, the way Ray's Java workers get jars from a node that
 * shares no file system with the driver: the job's {@code java_jars} runtime env names {@code
 * gcs://_ray_pkg_joblib4j_<hash>.zip}, which each node's runtime-env agent downloads from the GCS
 * once and unzips; Ray then starts the job's Java workers with {@code <dir>/*} on their class path.
 * The zip holds {@code classpath.jar}, whose manifest lists {@code lib/000-….jar}, {@code
 * lib/001-….jar}… in classpath order (a wildcard alone would lose the order), and those jars: jars
 * as they are, directories packed by {@link ClasspathJars}. The hash covers the jars' contents, so
 * the same classpath is uploaded once per cluster.
 */
final class RayPackage {
  /**
   * The job's code search path when the classes come as a package: a path that cannot exist (with
   * none, Ray falls back to the driver's class path, whose paths the nodes do not have).
   */
  static final String NO_CODE_SEARCH_PATH = "/dev/null/joblib4j-classpath-is-a-ray-package";

  private static final Logger LOG = LoggerFactory.getLogger(RayPackage.class);
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private final List<ClasspathJars.Jar> jars;
  private final List<String> names;
  private final String uri;

  private RayPackage(List<ClasspathJars.Jar> jars) {
    this.jars = jars;
    this.names = new ArrayList<>();
    MessageDigest md = sha256();
    for (int i = 0; i < jars.size(); i++) {
      String base = jars.get(i).path().getFileName().toString();
      if (!base.toLowerCase(Locale.ROOT).endsWith(".jar")) {
        base = base + ".jar";
      }
      String name =
          String.format(Locale.ROOT, "%03d-%s", i, base.replaceAll("[^A-Za-z0-9._-]", "_"));
      names.add(name);
      md.update((name + "\n" + jars.get(i).sha256() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    this.uri =
        "gcs://_ray_pkg_joblib4j_"
            + HexFormat.of().formatHex(md.digest()).substring(0, 32)
            + ".zip";
  }

  /**
   * The package of a classpath.
   *
   * @param jars its jars, in classpath order ({@link ClasspathJars#jars})
   */
  static RayPackage of(List<ClasspathJars.Jar> jars) {
    return new RayPackage(List.copyOf(jars));
  }

  /** The package's URI, the same for the same content. */
  String uri() {
    return uri;
  }

  /** How many jars it holds. */
  int jarCount() {
    return jars.size();
  }

  /**
   * Writes the package's zip; jars are stored, not compressed again.
   *
   * @param zip the file to write
   */
  void write(Path zip) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip);
        ZipOutputStream out = new ZipOutputStream(file)) {
      out.setLevel(Deflater.NO_COMPRESSION);
      put(out, "classpath.jar", manifestJar());
      for (int i = 0; i < jars.size(); i++) {
        ZipEntry e = entry("lib/" + names.get(i));
        out.putNextEntry(e);
        Files.copy(jars.get(i).path(), out);
        out.closeEntry();
      }
    }
  }

  /** A jar with only a manifest whose {@code Class-Path} lists the package's jars in order. */
  private byte[] manifestJar() throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes()
        .put(
            Attributes.Name.CLASS_PATH,
            String.join(" ", names.stream().map(n -> "lib/" + n).toList()));
    var bytes = new java.io.ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes)) {
      ZipEntry e = entry("META-INF/MANIFEST.MF");
      jar.putNextEntry(e);
      m.write(jar);
      jar.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(entry(name));
    out.write(bytes);
    out.closeEntry();
  }

  private static ZipEntry entry(String name) {
    ZipEntry e = new ZipEntry(name);
    e.setTimeLocal(FIXED_TIME);
    return e;
  }

  /**
   * Makes sure the cluster has this classpath as a package, uploading it the first time, and
   * returns its URI for the job's {@code java_jars}.
   *
   * @param classpath the classpath to ship
   * @param python Ray's Python, which does the upload
   * @param address the cluster's GCS address
   */
  static String ship(String classpath, String python, String address) {
    Path folder = privateFolder();
    ClasspathJars packer = new ClasspathJars(folder.resolve("jars"));
    List<ClasspathJars.Jar> jars = packer.jars(classpath);
    packer.prune(jars, JarCache.DEFAULT_MAX_AGE, JarCache.DEFAULT_MAX_BYTES);
    RayPackage pkg = of(jars);
    long t0 = System.nanoTime();
    try (GcsPackages gcs = GcsPackages.open(python, address, folder)) {
      if (gcs.has(pkg.uri())) {
        LOG.debug("The Ray cluster at {} has the classpath already: {}", address, pkg.uri());
        return pkg.uri();
      }
      Path zip = Files.createTempFile(folder, "package-", ".zip");
      try {
        pkg.write(zip);
        checkSize(Files.size(zip), address);
        long bytes = gcs.put(pkg.uri(), zip);
        LOG.info(
            "Shipped this JVM's classpath to the Ray cluster at {}: {} jars, {} MB, as {} in {} ms"
                + " (once per content; every node downloads it once)",
            address,
            pkg.jarCount(),
            String.format(Locale.ROOT, "%.1f", bytes / 1e6),
            pkg.uri(),
            (System.nanoTime() - t0) / 1_000_000);
      } finally {
        Files.deleteIfExists(zip);
      }
      return pkg.uri();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not package this JVM's classpath for the Ray cluster at " + address + ": " + e, e);
    }
  }

  /** Ray's GCS takes at most one gRPC message: {@code RAY_max_grpc_message_size}, 512 MiB. */
  static void checkSize(long bytes, String address) {
    long limit = 512L << 20;
    String set = System.getenv("RAY_max_grpc_message_size");
    if (set != null && set.strip().matches("[0-9]+")) {
      limit = Long.parseLong(set.strip());
    }
    if (bytes >= limit) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "This JVM's classpath packs into %.1f MB, more than the Ray cluster at %s takes in"
                  + " one package (RAY_max_grpc_message_size, %.1f MB). Ship less"
                  + " (joblib4j.backend.ray.code-search-path), or install the jars on every node"
                  + " at the same paths and use classpath-mode=shared.",
              bytes / 1e6,
              address,
              limit / 1e6));
    }
  }

  /** {@code <tmpdir>/joblib4j-ray-<user>}, private to this user. */
  static Path privateFolder() {
    try {
      return PrivateFolders.perUser("joblib4j-ray");
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
