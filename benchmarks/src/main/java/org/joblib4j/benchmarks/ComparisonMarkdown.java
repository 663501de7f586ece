package org.joblib4j.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Renders the comparison as Markdown: the machine and the command, then one table. */
final class ComparisonMarkdown {
  static final String TITLE =
      "# joblib4j compared: every backend vs ExecutorService, parallel streams and joblib";

  private ComparisonMarkdown() {}

  /**
   * Returns the whole document: a title, then {@link #body}.
   *
   * @param r the report
   * @return Markdown
   */
  static String document(ComparisonReport r) {
    return TITLE + "\n\n" + body(r);
  }

  /**
   * Returns the report without a title, as docs/performance.md embeds it.
   *
   * @param r the report
   * @return Markdown
   */
  static String body(ComparisonReport r) {
    List<String> out = new ArrayList<>(r.machine().markdownLines());
    out.add("- Python: " + r.python());
    out.add("- Command: `" + r.command() + "`");
    out.add("- Method: " + r.method());
    out.addAll(LoadMonitor.markdownLines(r.load(), r.machine().availableProcessors()));
    out.add("");
    out.addAll(table(r.table()));
    if (!r.notes().isEmpty()) {
      out.add("");
      out.addAll(r.notes());
    }
    return String.join("\n", out) + "\n";
  }

  private static List<String> table(ComparisonTable t) {
    List<String> out = new ArrayList<>();
    out.add(
        "| implementation | "
            + t.columns().stream().map(ComparisonColumn::header).collect(Collectors.joining(" | "))
            + " |");
    out.add("|---|" + "---:|".repeat(t.columns().size()));
    for (ComparisonRow row : t.rows()) {
      String label = row.label();
      if (label.equals(t.baseline())) {
        label += " — **baseline**";
      }
      if (row.notRun() != null) {
        label += " — *not run: " + row.notRun() + "*";
      }
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < t.columns().size(); i++) {
        cells.add(cell(t.columns().get(i).kind(), row.cells().get(i)));
      }
      out.add("| " + label + " | " + String.join(" | ", cells) + " |");
    }
    out.add("");
    out.add(
        "In parentheses: × the baseline ("
            + t.baseline()
            + "): the row's throughput, speed-up or calls per second divided by the baseline's;"
            + " above 1× is better. *Speed-up* = the same language's plain loop's median time"
            + " divided by the row's. — = not run.");
    List<String> notes = notRunNotes(t);
    if (!notes.isEmpty()) {
      out.add("");
      out.add("Not run:");
      out.add("");
      out.addAll(notes);
    }
    return out;
  }

  private static List<String> notRunNotes(ComparisonTable t) {
    List<String> notes = new ArrayList<>();
    for (ComparisonRow row : t.rows()) {
      if (row.notRun() != null) {
        continue;
      }
      Map<String, Set<String>> byReason = new LinkedHashMap<>();
      for (int i = 0; i < t.columns().size(); i++) {
        ComparisonCell c = row.cells().get(i);
        if (!c.isMeasured()) {
          byReason
              .computeIfAbsent(c.notRun(), k -> new LinkedHashSet<>())
              .add(workload(t.columns().get(i).section()));
        }
      }
      byReason.forEach(
          (reason, workloads) ->
              notes.add("- " + row.label() + ", " + String.join(", ", workloads) + ": " + reason));
    }
    return notes;
  }

  static String workload(String section) {
    return switch (section) {
      case "noop" -> "no-op throughput";
      case "cpu" -> "CPU-bound";
      case "latency" -> "latency";
      case "io" -> "I/O-bound";
      default -> section;
    };
  }

  static String cell(ComparisonColumn.Kind kind, ComparisonCell c) {
    if (!c.isMeasured()) {
      return "—";
    }
    String value =
        switch (kind) {
          case THROUGHPUT -> String.format(Locale.ROOT, "%,.0f", c.value());
          case SPEED_UP -> String.format(Locale.ROOT, "%.2f", c.value());
          case LATENCY -> MarkdownReport.duration(c.value());
        };
    return Double.isFinite(c.ratio())
        ? value + " (" + MarkdownReport.ratio(c.ratio()) + ")"
        : value;
  }
}
