package org.joblib4j.tck.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A cluster worker that shares nothing with the test's JVM but the network: a command run in its
 * own mount namespace ({@code unshare --mount}), where an empty tmpfs covers every folder of the
 * caller's class path (the repository and the local Maven repository), with its own {@code HOME}
 * and {@code TMPDIR}, optionally as {@code nobody}. Needs root, which CI has; a test without it
 * fails saying so.
 */
public final class Sandbox {
  /** The user a sandboxed worker may run as. */
  public static final int NOBODY = 65534;

  private Sandbox() {}

  /** Fails, saying why, unless this JVM runs as root. */
  public static void requireRoot() {
    assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
        .as(
            "this test hides the caller's files in a mount namespace (unshare) and runs a worker"
                + " there; it needs root: run the suite as root (CI does)")
        .isZero();
  }

  /**
   * The command prefix that runs {@code command} in the sandbox.
   *
   * @param home the sandbox's own folder: its {@code HOME}, {@code TMPDIR} and working directory
   * @param hidden the folders covered by an empty tmpfs
   * @param asNobody whether the command runs as {@code nobody} (it must then be readable by all)
   * @param command what to run
   * @return the full command
   */
  public static List<String> command(
      Path home, Collection<Path> hidden, boolean asNobody, List<String> command) {
    String run =
        asNobody
            ? "exec setpriv --reuid="
                + NOBODY
                + " --regid="
                + NOBODY
                + " --clear-groups env HOME=\"$sb\" TMPDIR=\"$sb\" \"$@\""
            : "exec env HOME=\"$sb\" TMPDIR=\"$sb\" \"$@\"";
    String script =
        "sb=$1; n=$2; shift 2; i=0; "
            + "while [ \"$i\" -lt \"$n\" ]; do "
            + "mount -t tmpfs -o size=64k,mode=0755 joblib4j-hidden \"$1\" || exit 97; "
            + "shift; i=$((i+1)); done; "
            + "cd \"$sb\" || exit 98; "
            + run;
    List<String> cmd =
        new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c"));
    cmd.addAll(List.of(script, "sandbox", home.toString(), Integer.toString(hidden.size())));
    hidden.forEach(h -> cmd.add(h.toString()));
    cmd.addAll(command);
    return cmd;
  }

  /**
   * The folders to hide: the repository the test runs in (the parent of its module) and the Maven
   * repositories the class path's jars come from; fails if another entry of the class path lies
   * outside them (the proof would not hold), except those under {@code installed} (what the worker
   * host has installed itself, such as Ray's wheel).
   *
   * @param installed folders the worker host has too
   * @return the folders, sorted
   */
  public static List<Path> hiddenRoots(Collection<Path> installed) throws IOException {
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
      Path real = p;
      if (installed.stream().anyMatch(real::startsWith)) {
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

  /** Gives a file or folder to {@code nobody}. */
  public static void chownNobody(Path p) throws IOException {
    Files.setAttribute(p, "unix:uid", NOBODY);
    Files.setAttribute(p, "unix:gid", NOBODY);
  }

  /** Deletes a folder and everything in it. */
  public static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
