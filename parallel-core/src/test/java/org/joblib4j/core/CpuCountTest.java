package org.joblib4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** loky's cpu_count rules: cgroup quota, affinity (through the JVM), and a configured cap. */
class CpuCountTest {

  @Test
  void cgroupV2QuotaIsRoundedUp(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve("cpu.max"), "150000 100000\n");
    assertThat(CpuCount.readCgroupLimit(root)).isEqualTo(2);
  }

  @Test
  void cgroupV2MaxMeansUnlimited(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve("cpu.max"), "max 100000\n");
    assertThat(CpuCount.readCgroupLimit(root)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void cgroupV1QuotaIsRead(@TempDir Path root) throws IOException {
    Path cpu = Files.createDirectories(root.resolve("cpu,cpuacct"));
    Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "50000");
    Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000");
    assertThat(CpuCount.readCgroupLimit(root)).isEqualTo(1);
    Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "-1");
    assertThat(CpuCount.readCgroupLimit(root)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void unreadableOrEmptyFilesMeanNoLimit(@TempDir Path root) throws IOException {
    assertThat(CpuCount.readCgroupLimit(root)).isEqualTo(Integer.MAX_VALUE);
    Files.writeString(root.resolve("cpu.max"), "");
    assertThat(CpuCount.readCgroupLimit(root)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void theCapAppliesAndTheResultIsAtLeastOne() {
    int all = CpuCount.get(null);
    assertThat(all).isBetween(1, Runtime.getRuntime().availableProcessors());
    assertThat(CpuCount.get(1)).isEqualTo(1);
    assertThat(CpuCount.get(all + 10)).isEqualTo(all);
  }
}
