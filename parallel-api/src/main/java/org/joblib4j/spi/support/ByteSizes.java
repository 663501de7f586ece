package org.joblib4j.spi.support;

import java.util.Locale;

/** joblib's {@code memstr_to_bytes}: {@code "1M"} is 1,048,576 bytes (powers of 1024). */
public final class ByteSizes {
  private ByteSizes() {}

  /**
   * Parses a size.
   *
   * @param text {@code 500K}, {@code 1M}, {@code 2G}, a number of bytes, or {@code none}
   * @return the bytes, or {@code null} for {@code none} (disabled)
   * @throws IllegalArgumentException with joblib's message for anything else
   */
  public static Long parse(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("none")) {
      return null;
    }
    try {
      if (!t.isEmpty() && Character.isDigit(t.charAt(t.length() - 1))) {
        return Long.parseLong(t);
      }
      long unit;
      switch (t.isEmpty() ? ' ' : t.toUpperCase(Locale.ROOT).charAt(t.length() - 1)) {
        case 'K':
          unit = 1024L;
          break;
        case 'M':
          unit = 1024L * 1024;
          break;
        case 'G':
          unit = 1024L * 1024 * 1024;
          break;
        default:
          throw new NumberFormatException(t);
      }
      return (long) (unit * Double.parseDouble(t.substring(0, t.length() - 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid literal for size give: "
              + text
              + " (type String) should be alike '10G', '500M', '50K'.",
          e);
    }
  }
}
