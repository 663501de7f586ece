package org.joblib4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** loky's {@code cpu_count(only_physical_cores=True)} on Linux's CPU topology. */
class PhysicalCoresTest {

  private static void cpu(Path root, int cpu, int pkg, int core) throws IOException {
    Path topology = Files.createDirectories(root.resolve("cpu" + cpu).resolve("topology"));
    Files.writeString(topology.resolve("physical_package_id"), pkg + "\n");
    Files.writeString(topology.resolve("core_id"), core + "\n");
  }

  @Test
  void simultaneousMultithreadingSiblingsCountOnce(@TempDir Path root) throws IOException {
    cpu(root, 0, 0, 0);
    cpu(root, 1, 0, 1);
    cpu(root, 2, 0, 0);
    cpu(root, 3, 0, 1);
    Files.createDirectories(root.resolve("cpufreq"));
    Files.writeString(root.resolve("online"), "0-3\n");
    assertThat(PhysicalCores.count(root)).isEqualTo(2);
  }

  @Test
  void theSameCoreIdOnTwoPackagesIsTwoCores(@TempDir Path root) throws IOException {
    cpu(root, 0, 0, 0);
    cpu(root, 1, 1, 0);
    assertThat(PhysicalCores.count(root)).isEqualTo(2);
  }

  @Test
  void aFolderWithoutTopologyGivesTheReason(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("cpu0"));
    assertThatThrownBy(() -> PhysicalCores.count(root))
        .isInstanceOf(IOException.class)
        .hasMessage("no CPU topology below " + root);
    assertThatThrownBy(() -> PhysicalCores.count(root.resolve("missing")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aUserRestrictionWinsOverThePhysicalCores() {
    assertThat(CpuCount.physical(3, 8, 4)).isEqualTo(3);
    assertThat(CpuCount.physical(0, 8, 4)).isEqualTo(1);
  }

  @Test
  void withoutARestrictionThePhysicalCoresCount() {
    assertThat(CpuCount.physical(8, 8, 4)).isEqualTo(4);
  }

  @Test
  void unknownPhysicalCoresGiveTheLogicalCountAndLokysWarning() {
    IOException reason = new IOException("no CPU topology below /sys/devices/system/cpu");
    assertThat(CpuCount.physical(8, 8, reason)).isEqualTo(8);
    assertThat(CpuCount.physicalUnknown(reason))
        .isEqualTo(
            "Could not find the number of physical cores for the following reason:\n"
                + "java.io.IOException: no CPU topology below /sys/devices/system/cpu\n"
                + "Returning the number of logical cores instead. You can silence this warning by setting"
                + " JOBLIB4J_MAX_CPU_COUNT to the number of cores you want to use.");
  }

  /** This machine's own topology, read the way lscpu reads it. */
  @Test
  void thisMachinesPhysicalCoresThroughTheApi() throws IOException {
    Path cpus = Path.of("/sys/devices/system/cpu");
    int physical = PhysicalCores.count(cpus);
    long machine;
    try (var entries = Files.list(cpus)) {
      machine = entries.filter(p -> p.getFileName().toString().matches("cpu[0-9]+")).count();
    }
    int restricted = Parallel.cpuCount();
    assertThat(Parallel.cpuCount(false)).isEqualTo(restricted);
    assertThat(Parallel.cpuCount(true)).isEqualTo(restricted < machine ? restricted : physical);
  }
}
