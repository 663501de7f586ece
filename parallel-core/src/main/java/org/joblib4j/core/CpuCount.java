package org.joblib4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * loky's {@code cpu_count()}: the CPUs this JVM may really use. {@link
 * Runtime#availableProcessors()} already honours CPU affinity, {@code -XX:ActiveProcessorCount} and
 * the container limits the JVM detects; the cgroup quota is read here too (cgroup v2 {@code
 * cpu.max}, v1 {@code cpu.cfs_quota_us}) because the JVM misses it in some setups, and a
 * configured cap ({@code JOBLIB4J_MAX_CPU_COUNT}) applies last.
 */
public final class CpuCount {
  private static final int CGROUP_LIMIT = readCgroupLimit(Path.of("/sys/fs/cgroup"));

  private CpuCount() {}

  /**
   * Returns the usable CPU count.
   *
   * @param cap a cap, or {@code null}
   * @return at least 1
   */
  public static int get(Integer cap) {
    int count = Math.min(Runtime.getRuntime().availableProcessors(), CGROUP_LIMIT);
    if (cap != null) {
      count = Math.min(count, cap);
    }
    return Math.max(count, 1);
  }

  /**
   * Reads the cgroup CPU quota below a cgroup root.
   *
   * @param root the cgroup mount, normally {@code /sys/fs/cgroup}
   * @return {@code ceil(quota / period)}, or {@link Integer#MAX_VALUE} when unlimited or unknown
   */
  static int readCgroupLimit(Path root) {
    try {
      Path v2 = root.resolve("cpu.max");
      if (Files.isReadable(v2)) {
        String[] parts = Files.readString(v2).trim().split("\\s+");
        if (parts.length == 2 && !parts[0].equals("max")) {
          return quota(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }
        return Integer.MAX_VALUE;
      }
      for (String dir : List.of("cpu", "cpu,cpuacct", "cpuacct,cpu")) {
        Path q = root.resolve(dir).resolve("cpu.cfs_quota_us");
        Path p = root.resolve(dir).resolve("cpu.cfs_period_us");
        if (Files.isReadable(q) && Files.isReadable(p)) {
          return quota(
              Long.parseLong(Files.readString(q).trim()), Long.parseLong(Files.readString(p).trim()));
        }
      }
    } catch (IOException | NumberFormatException | SecurityException e) {
      // unreadable or unexpected: no limit known
    }
    return Integer.MAX_VALUE;
  }

  private static int quota(long quota, long period) {
    if (quota <= 0 || period <= 0) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.max(1, (quota + period - 1) / period);
  }
}
