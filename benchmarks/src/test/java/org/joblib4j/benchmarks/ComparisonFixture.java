package org.joblib4j.benchmarks;

import java.util.List;
import java.util.Map;

/** Fixed measurements for the comparison writers' tests. */
final class ComparisonFixture {
  static final ComparisonEntry BASE = new ComparisonEntry("exec", "Java `executor`", "loop", null);
  static final ComparisonEntry LOKY = new ComparisonEntry("loky", "joblib4j `loky`", "loop", null);
  static final ComparisonEntry LOOP = new ComparisonEntry("loop", "Java plain loop", "loop", null);
  static final ComparisonEntry RAY =
      new ComparisonEntry("ray", "joblib4j `ray`", "loop", "RAY_DIST_JAR is not set");

  static final List<ComparisonColumn> COLUMNS =
      List.of(
          new ComparisonColumn(
              "noop", 1000, "no-op, 1,000 tasks: tasks/s", ComparisonColumn.Kind.THROUGHPUT),
          new ComparisonColumn(
              "cpu", 4, "CPU-bound, 4 × 20 ms: speed-up", ComparisonColumn.Kind.SPEED_UP),
          new ComparisonColumn(
              "latency", 10, "one call of 10 no-op tasks: latency", ComparisonColumn.Kind.LATENCY));

  static final List<Measurement> MEASUREMENTS =
      List.of(
          new Measurement("noop", "exec", 1000, List.of(2_000_000L, 1_000_000L, 3_000_000L)),
          new Measurement("noop", "loky", 1000, List.of(10_000_000L)),
          new Measurement("cpu", "exec", 4, List.of(50_000_000L)),
          new Measurement("cpu", "loky", 4, List.of(40_000_000L)),
          new Measurement("cpu", "loop", 4, List.of(80_000_000L)),
          new Measurement("latency", "exec", 10, List.of(1_000_000L)),
          new Measurement("latency", "loky", 10, List.of(4_000_000L)));

  static final List<NotRun> SKIPPED =
      List.of(
          new NotRun("loop", "noop", "the speed-up's reference only"),
          new NotRun("loop", "latency", "the speed-up's reference only"));

  private ComparisonFixture() {}

  static ComparisonTable table() {
    return ComparisonTableBuilder.build(
        BASE, List.of(BASE, LOKY, LOOP, RAY), COLUMNS, MEASUREMENTS, SKIPPED);
  }

  static ComparisonReport report() {
    MachineInfo m =
        new MachineInfo(
            "AMD EPYC",
            2,
            2,
            23.5,
            "OpenJDK 17",
            "G1",
            "(none)",
            "Debian 12",
            "2026-11-26 10:00 UTC");
    return new ComparisonReport(
        m,
        "`/usr/bin/python3` 3.11.2, joblib 1.2.0",
        "java -jar joblib4j-benchmarks.jar",
        "medians.",
        Map.of("Java", 0.0),
        table(),
        java.util.List.of());
  }
}
