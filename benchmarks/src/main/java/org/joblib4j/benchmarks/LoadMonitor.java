package org.joblib4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Measures how busy the machine was with other processes while a phase ran: the CPU time /proc/stat
 * counts for the whole machine minus the time of this JVM and every process below it (worker JVMs,
 * clusters, the Python script), divided by the wall time. A benchmark shared with other work gives
 * meaningless numbers, so the report says how much other work there was.
 */
final class LoadMonitor {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  /** A reading. */
  record Snapshot(long machineBusyTicks, long ownTicks, long nanos) {}

  private LoadMonitor() {}

  static Snapshot now() {
    return new Snapshot(machineBusy(), own(), System.nanoTime());
  }

  /**
   * Returns the average number of CPUs other processes kept busy between two readings.
   *
   * @param a the earlier reading
   * @param b the later reading
   * @return CPUs, or NaN when /proc is not readable
   */
  static double otherCpus(Snapshot a, Snapshot b) {
    if (a.machineBusyTicks() < 0 || a.ownTicks() < 0 || b.machineBusyTicks() < 0) {
      return Double.NaN;
    }
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    double other =
        ((b.machineBusyTicks() - a.machineBusyTicks()) - (b.ownTicks() - a.ownTicks()))
            / TICKS_PER_SECOND;
    return Math.max(0, other / seconds);
  }

  /**
   * Describes other processes' CPU use per phase as Markdown: one list item, then a warning block
   * when they kept more than a quarter of a CPU busy.
   *
   * @param load CPUs busy with other work, per phase
   * @param cpus the CPUs available to this JVM
   * @return the lines
   */
  static List<String> markdownLines(Map<String, Double> load, int cpus) {
    List<String> out = new ArrayList<>();
    out.add(
        "- Other processes' CPU use while each phase ran (machine busy time in /proc/stat minus"
            + " this JVM's and its children's): "
            + load.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f CPUs", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ")));
    double worst = load.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    if (worst > 0.25) {
      out.add("");
      out.add(
          String.format(
              Locale.ROOT,
              "> **Warning:** other processes kept up to %.2f of the %d CPUs busy during this run,"
                  + " so these numbers are disturbed. Rerun on a quiet machine.",
              worst,
              cpus));
    }
    return out;
  }

  private static long machineBusy() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The CPU ticks of this JVM and of every process below it: the live ones (worker JVMs, a Dask
   * sidecar and its workers, a Ray head) and, through their parents' counts, the ones that ended.
   * Counting only the ones that ended would make this benchmark's own workers "other processes".
   */
  private static long own() {
    long self = ticks(Path.of("/proc/self/stat"));
    if (self < 0) {
      return -1;
    }
    return self
        + ProcessHandle.current()
            .descendants()
            .mapToLong(h -> Math.max(0, ticks(Path.of("/proc", Long.toString(h.pid()), "stat"))))
            .sum();
  }

  /** A process's user and system ticks, its reaped children's included; -1 if unreadable. */
  private static long ticks(Path stat) {
    try {
      String s = Files.readString(stat);
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
      // fields after "pid (comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
      return Long.parseLong(f[11])
          + Long.parseLong(f[12])
          + Long.parseLong(f[13])
          + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
