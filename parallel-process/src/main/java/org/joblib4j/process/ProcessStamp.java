package org.joblib4j.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who owns a folder, in a form that survives pid reuse: the pid, the process's start time and its
 * pid namespace, written as {@code <pid>.<start>.<namespace>} into the folder's name (so the name
 * says it from the moment the folder exists). A later JVM tells from it whether the owner is gone.
 *
 * <p>The start time is the kernel's ({@code /proc/<pid>/stat} field 22, clock ticks since boot:
 * exact and the same for every reader); without {@code /proc} it is {@link
 * ProcessHandle.Info#startInstant()} in milliseconds. The two are told apart by their first letter
 * ({@code t}, {@code m}).
 */
record ProcessStamp(long pid, String start, String namespace) {
  private static final Pattern TOKEN = Pattern.compile("(\\d+)\\.([tmu][0-9a-z]*)\\.([0-9a-z]+)");
  private static final String ZOMBIE = "zombie";
  private static final String UNKNOWN = "u";
  private static final ProcessStamp CURRENT = of(ProcessHandle.current().pid());

  /**
   * This JVM's stamp.
   *
   * @return the stamp
   */
  static ProcessStamp current() {
    return CURRENT;
  }

  /**
   * The stamp of another process of this machine, as it would write it (for tests and diagnostics).
   *
   * @param pid a live process
   * @return its stamp
   */
  static ProcessStamp of(long pid) {
    String start = startOf(pid);
    return new ProcessStamp(
        pid, start == null || start.equals(ZOMBIE) ? UNKNOWN : start, namespaceOf("self"));
  }

  /**
   * The stamp as it goes into a folder name.
   *
   * @return {@code <pid>.<start>.<namespace>}
   */
  String token() {
    return pid + "." + start + "." + namespace;
  }

  /**
   * Reads a stamp at the start of a text.
   *
   * @param text for example the rest of a folder's name after its prefix
   * @param separator the character that must follow the stamp
   * @return the stamp, or empty if the text does not start with one
   */
  static Optional<ProcessStamp> parse(String text, char separator) {
    int end = text.indexOf(separator);
    if (end < 0) {
      return Optional.empty();
    }
    Matcher m = TOKEN.matcher(text.substring(0, end));
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcessStamp(Long.parseLong(m.group(1)), m.group(2), m.group(3)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether the owner is surely gone: no process has its pid, the pid is a zombie, or the pid was
   * reused by a process started at another time. A stamp from another pid namespace (a container
   * sharing the folder), or one whose start time cannot be compared, is never gone.
   *
   * @return {@code true} only when the owner is certainly dead
   */
  boolean gone() {
    if (!namespace.equals(CURRENT.namespace)) {
      return false;
    }
    if (pid == CURRENT.pid) {
      return !start.equals(CURRENT.start)
          && !start.equals(UNKNOWN)
          && !CURRENT.start.equals(UNKNOWN);
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return true;
    }
    String now = startOf(pid);
    if (ZOMBIE.equals(now)) {
      return true;
    }
    if (now == null || now.charAt(0) != start.charAt(0) || start.equals(UNKNOWN)) {
      return false;
    }
    return !now.equals(start);
  }

  /**
   * The start time of a live process ({@code t...} or {@code m...}), {@link #ZOMBIE}, or {@code
   * null}.
   */
  private static String startOf(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // the command name (field 2) is in parentheses and may hold spaces and ')': fields 3.. follow
      // the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      if (f[0].equals("Z") || f[0].equals("X")) {
        return ZOMBIE;
      }
      return "t" + Long.toString(Long.parseLong(f[19]), 36);
    } catch (IOException | RuntimeException e) {
      // no /proc (not Linux) or the process is gone: what the JDK knows
    }
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().startInstant())
        .map(i -> "m" + Long.toString(i.toEpochMilli(), 36))
        .orElse(null);
  }

  /**
   * The pid namespace's inode ({@code pid:[4026531836]}) in base 36, or {@code 0} without {@code
   * /proc}.
   */
  private static String namespaceOf(String pid) {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc", pid, "ns", "pid")).toString();
      return Long.toString(
          Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']'))), 36);
    } catch (IOException | RuntimeException e) {
      return "0";
    }
  }
}
