package org.joblib4j.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the comparison as grouped horizontal bars (Java2D, headless): one group per workload, one
 * bar per implementation, each bar the ratio to the baseline on a log scale that diverges from 1×.
 */
final class ComparisonChart {
  static final int WIDTH = 1200;
  static final int TOP = 76;
  static final int GROUP_HEADER = 28;
  static final int BAR = 20;
  static final int GROUP_GAP = 12;
  static final int BOTTOM = 56;
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int RIGHT = 90;
  private static final Color[] PALETTE = {
    new Color(0x55, 0x55, 0x55),
    new Color(0x99, 0x99, 0x99),
    new Color(0x1f, 0x77, 0xb4),
    new Color(0x2c, 0xa0, 0x2c),
    new Color(0x17, 0xbe, 0xcf),
    new Color(0x94, 0x67, 0xbd),
    new Color(0x8c, 0x56, 0x4b),
    new Color(0xe3, 0x77, 0xc2),
    new Color(0xbc, 0xbd, 0x22),
    new Color(0xff, 0x7f, 0x0e),
    new Color(0xd6, 0x27, 0x28),
    new Color(0xff, 0xbb, 0x78),
  };

  private ComparisonChart() {}

  /**
   * Writes the chart as a PNG.
   *
   * @param t the table
   * @param subtitle a line under the title (date, machine)
   * @param png where
   * @throws IOException if it cannot be written
   */
  static void write(ComparisonTable t, String subtitle, Path png) throws IOException {
    if (!ImageIO.write(render(t, subtitle), "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  /**
   * Returns the chart's height for a table: a title, a group per column with a bar for each
   * measured row, and the axis.
   *
   * @param t the table
   * @return pixels
   */
  static int height(ComparisonTable t) {
    int h = TOP + BOTTOM;
    for (int c = 0; c < t.columns().size(); c++) {
      h += GROUP_HEADER + bars(t, c) * BAR + GROUP_GAP;
    }
    return h;
  }

  static BufferedImage render(ComparisonTable t, String subtitle) {
    int height = height(t);
    BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, height);
      FontMetrics labels = g.getFontMetrics(LABEL_FONT);
      int labelWidth =
          Math.min(
              WIDTH / 2,
              16
                  + t.rows().stream()
                      .mapToInt(r -> labels.stringWidth(plain(r.label())))
                      .max()
                      .orElse(0));
      LogAxis axis = LogAxis.spanning(t, labelWidth, WIDTH - RIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      g.drawString(
          "joblib4j vs ExecutorService, parallel streams and joblib: × the baseline (log scale,"
              + " higher is better)",
          16,
          28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.drawString(plain(subtitle), 16, 50);
      g.drawString("baseline (1×): " + plain(t.baseline()), 16, 68);
      int plotTop = TOP;
      int y = TOP;
      for (int c = 0; c < t.columns().size(); c++) {
        y = group(g, t, c, axis, y);
      }
      axis.draw(g, plotTop, y);
    } finally {
      g.dispose();
    }
    return img;
  }

  private static int group(Graphics2D g, ComparisonTable t, int c, LogAxis axis, int y) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(plain(t.columns().get(c).header()), 16, y + 20);
    y += GROUP_HEADER;
    g.setFont(LABEL_FONT);
    FontMetrics fm = g.getFontMetrics();
    int one = axis.x(1);
    for (int r = 0; r < t.rows().size(); r++) {
      ComparisonCell cell = t.rows().get(r).cells().get(c);
      if (!drawable(cell)) {
        continue;
      }
      String label = plain(t.rows().get(r).label());
      g.setColor(Color.DARK_GRAY);
      g.drawString(label, axis.left() - 8 - fm.stringWidth(label), y + 15);
      int end = axis.x(cell.ratio());
      g.setColor(PALETTE[r % PALETTE.length]);
      g.fillRect(Math.min(one, end), y + 3, Math.max(1, Math.abs(end - one)), BAR - 6);
      g.setColor(Color.BLACK);
      g.drawString(MarkdownReport.ratio(cell.ratio()), Math.max(one, end) + 4, y + 15);
      y += BAR;
    }
    return y + GROUP_GAP;
  }

  static int bars(ComparisonTable t, int column) {
    return (int) t.rows().stream().filter(r -> drawable(r.cells().get(column))).count();
  }

  static boolean drawable(ComparisonCell c) {
    return c.isMeasured() && Double.isFinite(c.ratio()) && c.ratio() > 0;
  }

  /** Drops Markdown's emphasis and code marks. */
  static String plain(String markdown) {
    return markdown.replace("`", "").replace("**", "").replace("*", "");
  }

  /** A log₁₀ axis from a power of ten below every ratio (and 1) to one above. */
  private record LogAxis(int lo, int hi, int left, int right) {
    static LogAxis spanning(ComparisonTable t, int left, int right) {
      double min = 1;
      double max = 1;
      for (int c = 0; c < t.columns().size(); c++) {
        for (ComparisonRow r : t.rows()) {
          ComparisonCell cell = r.cells().get(c);
          if (drawable(cell)) {
            min = Math.min(min, cell.ratio());
            max = Math.max(max, cell.ratio());
          }
        }
      }
      int lo = (int) Math.floor(Math.log10(min) + 1e-9);
      int hi = (int) Math.ceil(Math.log10(max) - 1e-9);
      if (hi == lo) {
        hi = lo + 1;
      }
      return new LogAxis(lo, hi, left, right);
    }

    int x(double ratio) {
      double f = (Math.log10(ratio) - lo) / (hi - lo);
      return left + (int) Math.round(Math.max(0, Math.min(1, f)) * (right - left));
    }

    void draw(Graphics2D g, int top, int bottom) {
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      for (int p = lo; p <= hi; p++) {
        int x = x(Math.pow(10, p));
        g.setColor(p == 0 ? Color.BLACK : Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(p == 0 ? 1.5f : 1f));
        g.drawLine(x, top, x, bottom);
        String tick = String.format(Locale.ROOT, "%." + Math.max(0, -p) + "f×", Math.pow(10, p));
        g.setColor(Color.BLACK);
        g.drawString(tick, x - fm.stringWidth(tick) / 2, bottom + 16);
      }
      String caption = "× the baseline, log scale (right of 1× is better than the baseline)";
      g.drawString(caption, left + (right - left - fm.stringWidth(caption)) / 2, bottom + 36);
    }
  }
}
