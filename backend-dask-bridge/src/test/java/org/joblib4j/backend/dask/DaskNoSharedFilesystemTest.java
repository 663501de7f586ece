package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Dask worker that shares nothing with the caller but the network: it runs in its own mount
 * namespace, where every folder of the caller's class path (the repository and the local Maven
 * repository) is covered by an empty tmpfs, as another user ({@code nobody}) with its own {@code
 * HOME} and {@code TMPDIR}. With {@code classpath-mode=ship} the caller's classes reach it through
 * Dask, and tasks pinned to it (a {@code SANDBOX} resource) run the test's own code there.
 */
@Timeout(180)
class DaskNoSharedFilesystemTest {
  /** The user the sandboxed worker runs as. */
  static final int NOBODY = 65534;

  /** Mounts an empty tmpfs over each folder given, then runs the rest as {@code nobody}. */
  static final String SANDBOX =
      "sb=$1; n=$2; shift 2; i=0; "
          + "while [ \"$i\" -lt \"$n\" ]; do "
          + "mount -t tmpfs -o size=64k,mode=0755 joblib4j-hidden \"$1\" || exit 97; "
          + "shift; i=$((i+1)); done; "
          + "cd \"$sb\" || exit 98; "
          + "exec setpriv --reuid="
          + NOBODY
          + " --regid="
          + NOBODY
          + " --clear-groups env HOME=\"$sb\" TMPDIR=\"$sb\" \"$@\"";

  static final List<String> OWN_MOUNT_NAMESPACE =
      List.of("unshare", "--mount", "--propagation", "private");

  static DaskProcessCluster cluster;
  static Path sandbox;
  static List<Path> hidden;

  /** What a task saw in the sandboxed executor JVM. */
  record Seen(String user, int visibleEntries, String codeSource, int value)
      implements Serializable {}

  /** A task of this test's own class: it exists only in the caller's target/test-classes. */
  static Seen look(List<String> callerClasspath, int i) throws URISyntaxException {
    int visible = 0;
    for (String e : callerClasspath) {
      if (new File(e).exists()) {
        visible++;
      }
    }
    return new Seen(
        System.getProperty("user.name"),
        visible,
        Path.of(
                DaskNoSharedFilesystemTest.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI())
            .toString(),
        i * i);
  }

  @BeforeAll
  static void start() throws IOException {
    assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
        .as(
            "this test hides the caller's files in a mount namespace (unshare) and runs a worker as"
                + " another user; it needs root: run the suite as root (CI does)")
        .isZero();
    DaskTestSupport.requireDask();
    hidden = hiddenRoots();
    cluster = DaskProcessCluster.start("no-shared-fs", 0, 1, null, Map.of());
    sandbox = Files.createTempDirectory(Path.of("/tmp"), "joblib4j-sandbox-");
    Files.createDirectories(sandbox.resolve("work"));
    chownNobody(sandbox);
    chownNobody(sandbox.resolve("work"));
    List<String> wrapper = new ArrayList<>(OWN_MOUNT_NAMESPACE);
    wrapper.addAll(List.of("sh", "-c", SANDBOX, "sandbox", sandbox.toString()));
    wrapper.add(Integer.toString(hidden.size()));
    hidden.forEach(h -> wrapper.add(h.toString()));
    cluster.addWorkerIn(wrapper, "sandboxed", sandbox.resolve("work"), "--resources", "SANDBOX=1");
    cluster.awaitWorkers(cluster.options(), 1);
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    if (sandbox != null) {
      try (var paths = Files.walk(sandbox)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void theCallersClassesRunOnAWorkerThatCannotReadTheCallersClassPath() {
    List<String> classpath =
        List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    Map<String, Object> options =
        cluster.options("classpath-mode", "ship", "resources", "SANDBOX=1");
    List<Seen> seen =
        dask(options)
            .build()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(i -> delayed(DaskNoSharedFilesystemTest::look, classpath, i)));
    assertThat(seen).extracting(Seen::value).containsExactly(0, 1, 4, 9, 16, 25);
    String jars = sandbox.resolve("work").toString();
    assertThat(seen)
        .allSatisfy(
            s -> {
              assertThat(s.user()).isEqualTo("nobody");
              // not one entry of the caller's class path exists where the task ran
              assertThat(s.visibleEntries()).isZero();
              // this class came from the jars Dask shipped into the worker's own space
              assertThat(s.codeSource()).startsWith(jars).endsWith(".jar");
            });
    List<Map<String, Object>> executors = DaskClient.connect(options).executors();
    assertThat(executors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("classpath_mode")).isEqualTo("ship");
              assertThat(String.valueOf(e.get("classpath")).split(File.pathSeparator))
                  .isNotEmpty()
                  .allSatisfy(j -> assertThat(j).startsWith(jars + "/"));
            });
  }

  /**
   * The folders to hide: the repository this module is in and the Maven repositories the class
   * path's jars come from; fails if an entry of the class path lies outside them (the proof would
   * not hold).
   */
  static List<Path> hiddenRoots() throws IOException {
    Path repository = Path.of("").toAbsolutePath().getParent().toRealPath();
    Set<Path> roots = new LinkedHashSet<>();
    roots.add(repository);
    List<String> outside = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e).toAbsolutePath();
      if (Files.exists(p)) {
        p = p.toRealPath();
      }
      if (p.startsWith(repository)) {
        continue;
      }
      Path maven = p;
      while (maven != null
          && (maven.getFileName() == null
              || !maven.getFileName().toString().equals("repository"))) {
        maven = maven.getParent();
      }
      if (maven == null) {
        outside.add(e);
      } else {
        roots.add(maven);
      }
    }
    assertThat(outside)
        .as("class path entries outside the repository and the Maven repository")
        .isEmpty();
    return roots.stream().sorted().collect(Collectors.toList());
  }

  static void chownNobody(Path p) throws IOException {
    Files.setAttribute(p, "unix:uid", NOBODY);
    Files.setAttribute(p, "unix:gid", NOBODY);
  }
}
