package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns measurements into the comparison table: scores, and ratios to the baseline. */
final class ComparisonTableBuilder {
  private final List<Measurement> measurements;
  private final List<NotRun> skipped;

  private ComparisonTableBuilder(List<Measurement> measurements, List<NotRun> skipped) {
    this.measurements = measurements;
    this.skipped = skipped;
  }

  /**
   * Builds the table.
   *
   * @param baseline the entry every ratio divides by
   * @param entries the rows, in order
   * @param columns the workloads, in order
   * @param measurements every measurement
   * @param skipped the workloads an implementation did not run
   * @return the table
   */
  static ComparisonTable build(
      ComparisonEntry baseline,
      List<ComparisonEntry> entries,
      List<ComparisonColumn> columns,
      List<Measurement> measurements,
      List<NotRun> skipped) {
    ComparisonTableBuilder b = new ComparisonTableBuilder(measurements, skipped);
    List<ComparisonRow> rows = new ArrayList<>();
    for (ComparisonEntry e : entries) {
      List<ComparisonCell> cells = new ArrayList<>();
      for (ComparisonColumn c : columns) {
        cells.add(e.notRun() != null ? ComparisonCell.notRun(e.notRun()) : b.cell(e, c, baseline));
      }
      rows.add(new ComparisonRow(e.label(), List.copyOf(cells), e.notRun()));
    }
    return new ComparisonTable(baseline.label(), List.copyOf(columns), List.copyOf(rows));
  }

  private ComparisonCell cell(ComparisonEntry e, ComparisonColumn c, ComparisonEntry baseline) {
    Optional<Measurement> m = find(c, e.id());
    if (m.isEmpty()) {
      return ComparisonCell.notRun(
          skipped.stream()
              .filter(s -> s.implementation().equals(e.id()) && s.section().equals(c.section()))
              .map(NotRun::reason)
              .findFirst()
              .orElse("not measured"));
    }
    double score = score(e, c, m.get());
    double base = find(c, baseline.id()).map(b -> score(baseline, c, b)).orElse(Double.NaN);
    double value = c.kind() == ComparisonColumn.Kind.LATENCY ? m.get().medianNanos() : score;
    boolean reference =
        e.id().equals(e.sequentialId()) && c.kind() == ComparisonColumn.Kind.SPEED_UP;
    return ComparisonCell.measured(value, reference ? Double.NaN : score / base);
  }

  /** Higher is better: tasks/s, a speed-up, or calls per nanosecond. */
  private double score(ComparisonEntry e, ComparisonColumn c, Measurement m) {
    return switch (c.kind()) {
      case THROUGHPUT -> m.tasksPerSecond();
      case LATENCY -> 1 / m.medianNanos();
      case SPEED_UP ->
          Optional.ofNullable(e.sequentialId())
              .flatMap(id -> find(c, id))
              .map(s -> s.medianNanos() / m.medianNanos())
              .orElse(Double.NaN);
    };
  }

  private Optional<Measurement> find(ComparisonColumn c, String id) {
    return measurements.stream()
        .filter(
            m ->
                m.section().equals(c.section())
                    && m.implementation().equals(id)
                    && m.tasks() == c.tasks())
        .findFirst();
  }
}
