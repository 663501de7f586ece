package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmePublisherTest {

  @Test
  void replacesOnlyTheBlockBetweenTheMarkers() throws Exception {
    String readme =
        """
        # Title
        <!-- comparison:begin -->
        old table
        <!-- comparison:end -->
        after
        """;
    assertThat(ReadmePublisher.replaceBlock(readme, "| new |"))
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
  void refusesAReadmeWithoutTheMarkers() {
    assertThatThrownBy(() -> ReadmePublisher.replaceBlock("# Title\n", "x"))
        .isInstanceOf(IOException.class)
        .hasMessage("README.md has no <!-- comparison:begin --> … <!-- comparison:end --> block");
  }

  @Test
  void publishRewritesTheReadmeAndCopiesTheChartToDocs(@TempDir Path repo) throws Exception {
    Files.writeString(
        repo.resolve("README.md"), "a\n<!-- comparison:begin -->\n<!-- comparison:end -->\n");
    Path png = Files.write(repo.resolve("chart.png"), new byte[] {1, 2, 3});

    ReadmePublisher.publish(repo, "table\n", png);

    assertThat(repo.resolve("README.md"))
        .hasContent("a\n<!-- comparison:begin -->\ntable\n<!-- comparison:end -->\n");
    assertThat(repo.resolve("docs/comparison.png")).hasBinaryContent(new byte[] {1, 2, 3});
  }
}
