package org.joblib4j.spi.support;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations used in configuration. */
public final class Durations {
  private static final Pattern WITH_UNIT =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|min|h|d)?");

  private Durations() {}

  /**
   * Parses {@code 300s}, {@code 500ms}, {@code 5m}, {@code 1h}, {@code 2d}, a bare number of
   * seconds ({@code 1.5}) or ISO-8601 ({@code PT5M}).
   *
   * @param text the text
   * @return the duration, or {@code null} if the text is none of these
   */
  public static Duration parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("pt") || s.startsWith("p")) {
      try {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    Matcher m = WITH_UNIT.matcher(s);
    if (!m.matches()) {
      return null;
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    switch (unit) {
      case "ms":
        return Duration.ofNanos(Math.round(value * 1e6));
      case "m":
      case "min":
        return ofSeconds(value * 60);
      case "h":
        return ofSeconds(value * 3600);
      case "d":
        return ofSeconds(value * 86400);
      default:
        return ofSeconds(value);
    }
  }

  /**
   * Converts a (fractional) number of seconds.
   *
   * @param seconds the seconds
   * @return the duration
   */
  public static Duration ofSeconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /**
   * Prints a duration as joblib prints a timeout: seconds without trailing zeros ({@code 1}, {@code
   * 0.5}).
   *
   * @param d the duration
   * @return the seconds as text
   */
  public static String seconds(Duration d) {
    return new java.math.BigDecimal(d.toNanos())
        .movePointLeft(9)
        .stripTrailingZeros()
        .toPlainString();
  }
}
