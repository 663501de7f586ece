package org.joblib4j.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The machine a benchmark ran on, read from {@code /proc} and the JVM.
 *
 * @param cpuModel the CPU model name
 * @param logicalCpus CPUs listed in /proc/cpuinfo
 * @param availableProcessors CPUs this JVM may use
 * @param ramGiB total memory
 * @param jdk the JVM's name and version
 * @param gc the garbage collectors in use
 * @param jvmArgs the JVM's arguments
 * @param os the operating system
 * @param date when the benchmark started (UTC)
 */
record MachineInfo(
    String cpuModel,
    int logicalCpus,
    int availableProcessors,
    double ramGiB,
    String jdk,
    String gc,
    String jvmArgs,
    String os,
    String date) {

  static MachineInfo detect() {
    List<String> cpuinfo = lines("/proc/cpuinfo");
    String model =
        cpuinfo.stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse(System.getProperty("os.arch"));
    int logical = (int) cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
    double ram =
        lines("/proc/meminfo").stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .map(l -> Double.parseDouble(l.replaceAll("[^0-9]", "")) / (1024 * 1024))
            .findFirst()
            .orElse(Runtime.getRuntime().maxMemory() / Math.pow(1024, 3));
    String pretty =
        lines("/etc/os-release").stream()
            .filter(l -> l.startsWith("PRETTY_NAME="))
            .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
            .findFirst()
            .orElse(System.getProperty("os.name"));
    String os =
        pretty
            + " ("
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + ", "
            + System.getProperty("os.arch")
            + ")";
    String jdk =
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + ")";
    String gc =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", "));
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return new MachineInfo(
        model,
        logical,
        Runtime.getRuntime().availableProcessors(),
        ram,
        jdk,
        gc,
        args.isEmpty() ? "(none)" : String.join(" ", args),
        os,
        ZonedDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)));
  }

  /**
   * Returns the Markdown list items that describe the machine: date, CPU, RAM, JDK, OS.
   *
   * @return one item a line, each starting with {@code "- "}
   */
  List<String> markdownLines() {
    return List.of(
        "- Date: " + date,
        String.format(
            Locale.ROOT,
            "- CPU: %s; %d logical CPUs in /proc/cpuinfo, %d available to the JVM",
            cpuModel,
            logicalCpus,
            availableProcessors),
        String.format(Locale.ROOT, "- RAM: %.1f GiB", ramGiB),
        "- JDK: " + jdk + "; GC: " + gc + "; JVM arguments: " + jvmArgs,
        "- OS: " + os);
  }

  private static List<String> lines(String path) {
    try {
      return Files.readAllLines(Path.of(path));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
