package org.joblib4j.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Publishes the comparison: rewrites the block between {@link #BEGIN} and {@link #END} in the
 * README and copies the chart to {@code docs/comparison.png}.
 */
final class ReadmePublisher {
  static final String BEGIN = "<!-- comparison:begin -->";
  static final String END = "<!-- comparison:end -->";
  static final String CHART = "docs/comparison.png";

  private ReadmePublisher() {}

  /**
   * Writes the README block and the chart.
   *
   * @param repo the repository root (with README.md)
   * @param block the Markdown between the markers
   * @param png the chart to copy
   * @throws IOException if a file cannot be read or written, or the markers are missing
   */
  static void publish(Path repo, String block, Path png) throws IOException {
    Path readme = repo.resolve("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Files.writeString(readme, replaceBlock(text, block), StandardCharsets.UTF_8);
    Path chart = repo.resolve(CHART);
    Files.createDirectories(chart.getParent());
    Files.copy(png, chart, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Replaces what lies between the markers, keeping the markers.
   *
   * @param text the README
   * @param block the new content
   * @return the new README
   * @throws IOException if the markers are missing or out of order
   */
  static String replaceBlock(String text, String block) throws IOException {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IOException("README.md has no " + BEGIN + " … " + END + " block");
    }
    String body = block.endsWith("\n") ? block : block + "\n";
    return text.substring(0, begin + BEGIN.length()) + "\n" + body + text.substring(end);
  }

  /**
   * Returns the README block for a report: the chart, then the Markdown body.
   *
   * @param r the report
   * @return Markdown
   */
  static String block(ComparisonReport r) {
    return "![joblib4j compared with ExecutorService, parallel streams and joblib]("
        + CHART
        + ")\n\n"
        + ComparisonMarkdown.body(r);
  }
}
