package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonPublisherTest {

  @Test
  void replacesOnlyTheBlockBetweenTheMarkers() throws Exception {
    String page =
        """
        # Title
        <!-- comparison:begin -->
        old table
        <!-- comparison:end -->
        after
        """;
    assertThat(ComparisonPublisher.replaceBlock(page, "| new |"))
        .isEqualTo(
            """
            # Title
            <!-- comparison:begin -->
            | new |
            <!-- comparison:end -->
            after
            """);
  }

  @Test
  void refusesAPageWithoutTheMarkers() {
    assertThatThrownBy(() -> ComparisonPublisher.replaceBlock("# Title\n", "x"))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "docs/performance.md has no <!-- comparison:begin --> … <!-- comparison:end -->"
                + " block");
  }

  @Test
  void publishRewritesThePerformancePageAndCopiesTheChartNextToIt(@TempDir Path repo)
      throws Exception {
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(
        repo.resolve("docs/performance.md"),
        "a\n<!-- comparison:begin -->\n<!-- comparison:end -->\n");
    Files.writeString(repo.resolve("README.md"), "readme\n");
    Path png = Files.write(repo.resolve("chart.png"), new byte[] {1, 2, 3});

    ComparisonPublisher.publish(repo, "table\n", png);

    assertThat(repo.resolve("docs/performance.md"))
        .hasContent("a\n<!-- comparison:begin -->\ntable\n<!-- comparison:end -->\n");
    assertThat(repo.resolve("README.md")).hasContent("readme\n");
    assertThat(repo.resolve("docs/comparison.png")).hasBinaryContent(new byte[] {1, 2, 3});
  }

  @Test
  void theRepositorysPerformancePageHasTheBlockAndTheChartItLinks() throws Exception {
    // Surefire runs in benchmarks/: the repository root is its parent
    Path repo = Path.of("").toAbsolutePath().getParent();
    String page = Files.readString(repo.resolve(ComparisonPublisher.PAGE), StandardCharsets.UTF_8);

    assertThat(ComparisonPublisher.replaceBlock(page, "x")).contains("\nx\n");
    assertThat(page)
        .contains(
            ComparisonPublisher.BEGIN
                + "\n![joblib4j compared with ExecutorService, parallel streams and joblib]"
                + "(comparison.png)\n");
    assertThat(repo.resolve(ComparisonPublisher.CHART)).exists();
  }
}
