package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonChartTest {

  @Test
  void writesAPngOfTheExpectedSizeWithBarsAndText(@TempDir Path dir) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path png = dir.resolve("comparison.png");

    ComparisonChart.write(ComparisonFixture.table(), "2026-11-26 10:00 UTC; AMD EPYC", png);

    BufferedImage img = ImageIO.read(png.toFile());
    // a bar per measured cell: no-op 2 (the loop skipped it), CPU 2 (the loop has no ratio),
    // latency 2; the ray row has none
    assertThat(img.getWidth()).isEqualTo(1200);
    assertThat(img.getHeight()).isEqualTo(76 + 3 * (28 + 2 * 20 + 12) + 56).isEqualTo(372);
    int white = 0xFFFFFF;
    long ink = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) != white) {
          ink++;
        }
      }
    }
    assertThat(ink).isGreaterThan(5_000);
    // the title's text
    assertThat(hasInk(img, 16, 10, 400, 30)).isTrue();
  }

  @Test
  void plainDropsMarkdownMarks() {
    assertThat(ComparisonChart.plain("joblib4j `loky`, **baseline**, *reused*"))
        .isEqualTo("joblib4j loky, baseline, reused");
  }

  private static boolean hasInk(BufferedImage img, int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
          return true;
        }
      }
    }
    return false;
  }
}
