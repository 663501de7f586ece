package org.joblib4j.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Publishes the comparison: rewrites the block between {@link #BEGIN} and {@link #END} in the
 * performance page ({@code docs/performance.md}) and copies the chart to {@code
 * docs/comparison.png}, next to that page.
 */
final class ComparisonPublisher {
  static final String BEGIN = "<!-- comparison:begin -->";
  static final String END = "<!-- comparison:end -->";
  static final String PAGE = "docs/performance.md";
  static final String CHART = "docs/comparison.png";

  private ComparisonPublisher() {}

  /**
   * Writes the page's block and the chart.
   *
   * @param repo the repository root (with docs/performance.md)
   * @param block the Markdown between the markers
   * @param png the chart to copy
   * @throws IOException if a file cannot be read or written, or the markers are missing
   */
  static void publish(Path repo, String block, Path png) throws IOException {
    Path page = repo.resolve(PAGE);
    String text = Files.readString(page, StandardCharsets.UTF_8);
    Files.writeString(page, replaceBlock(text, block), StandardCharsets.UTF_8);
    Path chart = repo.resolve(CHART);
    Files.createDirectories(chart.getParent());
    Files.copy(png, chart, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Replaces what lies between the markers, keeping the markers.
   *
   * @param text the page
   * @param block the new content
   * @return the new page
   * @throws IOException if the markers are missing or out of order
   */
  static String replaceBlock(String text, String block) throws IOException {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IOException(PAGE + " has no " + BEGIN + " … " + END + " block");
    }
    String body = block.endsWith("\n") ? block : block + "\n";
    return text.substring(0, begin + BEGIN.length()) + "\n" + body + text.substring(end);
  }

  /**
   * Returns the page's block for a report: the chart, then the Markdown body.
   *
   * @param r the report
   * @return Markdown
   */
  static String block(ComparisonReport r) {
    // the page and the chart share docs/, so the link is the chart's file name
    return "![joblib4j compared with ExecutorService, parallel streams and joblib]("
        + Path.of(CHART).getFileName()
        + ")\n\n"
        + ComparisonMarkdown.body(r);
  }
}
