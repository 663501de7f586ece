package org.joblib4j.it.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fenced code block of a Markdown page.
 *
 * @param language the info string's first word in lower case ({@code yaml}, {@code dockerfile},
 *     ...), empty when the fence has none
 * @param line the 1-based line of the opening fence in the page
 * @param text the block's lines, each ending with {@code \n}
 */
record Snippet(String language, int line, String text) {
  private static final Pattern FENCE = Pattern.compile("^( {0,3})(`{3,}|~{3,})\\s*([^\\s`]*).*$");

  /**
   * Returns the page's line of one of the block's lines.
   *
   * @param index the 0-based line within the block
   * @return the 1-based line in the page
   */
  int pageLine(int index) {
    return line + 1 + index;
  }

  /** The result of reading a page: its blocks, and a fence left open, if any. */
  record Page(List<Snippet> snippets, int unclosedFenceLine) {}

  /**
   * Reads every fenced block of a page.
   *
   * @param markdown the page
   * @return its blocks in page order; {@code unclosedFenceLine} is 0 unless the last fence is never
   *     closed
   */
  static Page parse(String markdown) {
    List<Snippet> snippets = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      Matcher open = FENCE.matcher(lines[i]);
      if (!open.matches()) {
        i++;
        continue;
      }
      int indent = open.group(1).length();
      String fence = open.group(2);
      String language = open.group(3).toLowerCase(Locale.ROOT);
      int start = i;
      StringBuilder text = new StringBuilder();
      i++;
      while (i < lines.length && !closes(lines[i], fence)) {
        String l = lines[i];
        int strip = 0;
        while (strip < indent && strip < l.length() && l.charAt(strip) == ' ') {
          strip++;
        }
        text.append(l.substring(strip)).append('\n');
        i++;
      }
      if (i >= lines.length) {
        return new Page(snippets, start + 1);
      }
      snippets.add(new Snippet(language, start + 1, text.toString()));
      i++;
    }
    return new Page(snippets, 0);
  }

  private static boolean closes(String line, String fence) {
    String t = line.strip();
    return t.length() >= fence.length() && t.chars().allMatch(c -> c == fence.charAt(0));
  }
}
