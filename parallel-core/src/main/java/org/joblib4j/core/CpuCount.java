package org.joblib4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * loky's {@code cpu_count()}: the CPUs this JVM may really use. {@link
 * Runtime#availableProcessors()} already honours CPU affinity, {@code -XX:ActiveProcessorCount} and
 * the container limits the JVM detects; the cgroup quota is read here too (cgroup v2 {@code
 * cpu.max}, v1 {@code cpu.cfs_quota_us}) because the JVM misses it in some setups, and a configured
 * cap ({@code JOBLIB4J_MAX_CPU_COUNT}) applies last.
 */
public final class CpuCount {
  private static final Logger LOG = LoggerFactory.getLogger("org.joblib4j.Parallel");
  private static final Path SYS_CPUS = Path.of("/sys/devices/system/cpu");
  private static final int CGROUP_LIMIT = readCgroupLimit(Path.of("/sys/fs/cgroup"));
  private static final AtomicBoolean PHYSICAL_WARNED = new AtomicBoolean();
  private static volatile Object physical;

  private CpuCount() {}

  /**
   * Returns the usable CPU count.
   *
   * @param cap a cap, or {@code null}
   * @return at least 1
   */
  public static int get(Integer cap) {
    return Math.max(userCount(cap), 1);
  }

  /**
   * loky's {@code cpu_count(only_physical_cores=True)}: the user's restriction (affinity,
   * container, cap) when there is one, else the machine's physical cores; the logical count, with a
   * warning once, when those cannot be found.
   *
   * @param cap a cap, or {@code null}
   * @return at least 1
   */
  public static int physical(Integer cap) {
    return physical(userCount(cap), machineCount(), physicalOrReason());
  }

  /**
   * The decision of {@link #physical(Integer)}, on given counts.
   *
   * @param user the CPUs the user left this JVM
   * @param machine the machine's logical CPUs
   * @param physical the physical core count ({@link Integer}) or why it is unknown ({@link
   *     Exception})
   */
  static int physical(int user, int machine, Object physical) {
    if (user < machine) {
      return Math.max(user, 1);
    }
    if (physical instanceof Integer) {
      return (Integer) physical;
    }
    if (PHYSICAL_WARNED.compareAndSet(false, true)) {
      LOG.warn(physicalUnknown(physical));
    }
    return Math.max(Math.min(machine, user), 1);
  }

  /** loky's warning, once per JVM, naming joblib4j's cap instead of {@code LOKY_MAX_CPU_COUNT}. */
  static String physicalUnknown(Object reason) {
    return "Could not find the number of physical cores for the following reason:\n"
        + reason
        + "\nReturning the"
        + " number of logical cores instead. You can silence this warning by setting JOBLIB4J_MAX_CPU_COUNT to the"
        + " number of cores you want to use.";
  }

  private static int userCount(Integer cap) {
    int count = Math.min(Runtime.getRuntime().availableProcessors(), CGROUP_LIMIT);
    return cap != null ? Math.min(count, cap) : count;
  }

  /** The machine's logical CPUs ({@code os.cpu_count()}), which the JVM's count may be below. */
  private static int machineCount() {
    try {
      String online = Files.readString(SYS_CPUS.resolve("online")).trim();
      int count = 0;
      for (String range : online.split(",")) {
        String[] ends = range.split("-");
        count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
      }
      return count;
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** Cached, as loky caches it: the topology does not change while the JVM runs. */
  private static Object physicalOrReason() {
    Object p = physical;
    if (p == null) {
      try {
        p = PhysicalCores.count(SYS_CPUS);
      } catch (IOException | RuntimeException e) {
        p = e;
      }
      physical = p;
    }
    return p;
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
              Long.parseLong(Files.readString(q).trim()),
              Long.parseLong(Files.readString(p).trim()));
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
