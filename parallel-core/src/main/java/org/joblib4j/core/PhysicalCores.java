package org.joblib4j.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * loky's {@code _count_physical_cores}: the machine's physical cores, as distinct (package, core)
 * pairs of Linux's CPU topology ({@code /sys/devices/system/cpu/cpuN/topology}), where lscpu reads
 * them too. Simultaneous-multithreading siblings share a pair, so they count once.
 */
final class PhysicalCores {
  private static final Pattern CPU_DIR = Pattern.compile("cpu[0-9]+");

  private PhysicalCores() {}

  /**
   * Counts the physical cores below a sysfs CPU folder.
   *
   * @param cpus normally {@code /sys/devices/system/cpu}
   * @return the count, at least 1
   * @throws IOException with the reason when the topology cannot be read (not Linux, a sandbox)
   */
  static int count(Path cpus) throws IOException {
    Set<String> cores = new HashSet<>();
    try (Stream<Path> entries = Files.list(cpus)) {
      entries
          .filter(p -> CPU_DIR.matcher(p.getFileName().toString()).matches())
          .map(p -> p.resolve("topology"))
          .filter(Files::isDirectory)
          .forEach(
              t ->
                  cores.add(
                      read(t.resolve("physical_package_id")) + ":" + read(t.resolve("core_id"))));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (cores.isEmpty()) {
      throw new IOException("no CPU topology below " + cpus);
    }
    return cores.size();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
