package org.joblib4j.spi;

import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.joblib4j.spi.support.ByteSizes;
import org.joblib4j.spi.support.Durations;

/**
 * Converts one backend option's value, given in code (typed) or in configuration (text), to the
 * type a getter of {@link BackendContext} returns. Each method returns {@code null} when the value
 * cannot be read: the context then words the error, in one place.
 */
final class OptionValues {
  /**
   * Entries of a map written as text: {@code a=1,b=2} or {@code a=1;b=2}; a comma inside a value
   * stays.
   */
  private static final Pattern MAP_ENTRIES = Pattern.compile("\\s*[;,]\\s*(?=[^;,=]+=)");

  private OptionValues() {}

  static boolean isMultiple(Object v) {
    return v instanceof Collection || v instanceof Map || v.getClass().isArray();
  }

  /** The value as a message shows it: an array by its elements. */
  static String show(Object v) {
    return v.getClass().isArray()
        ? java.util.Arrays.deepToString(new Object[] {v}).replaceAll("^\\[|]$", "")
        : v.toString();
  }

  static String string(Object v) {
    return isMultiple(v) ? null : v.toString();
  }

  static Boolean bool(Object v) {
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    String s = isMultiple(v) ? "" : v.toString().trim().toLowerCase(Locale.ROOT);
    return s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : null;
  }

  static Long integral(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number || isMultiple(v)) {
      return null;
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Double decimal(Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (isMultiple(v)) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.toString().trim());
      return Double.isNaN(d) ? null : d;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A size in bytes; {@code none} is {@code noneValue}, or unreadable when that is {@code null}.
   */
  static Long size(Object v, Long noneValue) {
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      return d < 0 || d != Math.rint(d) ? null : ((Number) v).longValue();
    }
    if (isMultiple(v)) {
      return null;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("none")) {
      return noneValue;
    }
    try {
      Long n = ByteSizes.parse(s);
      return n == null || n < 0 ? null : n;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Duration duration(Object v) {
    if (v instanceof Duration) {
      return (Duration) v;
    }
    if (v instanceof Number) {
      return Durations.ofSeconds(((Number) v).doubleValue());
    }
    return isMultiple(v) ? null : Durations.parse(v.toString());
  }

  /**
   * A list: a collection or an array is taken element by element (an element is never split), a
   * text is split on {@code separator}.
   */
  static List<String> list(Object v, Pattern separator) {
    List<String> out = new ArrayList<>();
    if (v instanceof Collection || v.getClass().isArray()) {
      for (Object element : elements(v)) {
        if (element == null || isMultiple(element)) {
          return null;
        }
        out.add(element.toString());
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Map) {
      return null;
    }
    for (String part : separator.split(v.toString().trim())) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A map: a {@link Map} keeps its values as given, a text's values stay text. */
  static Map<String, Object> map(Object v) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (v instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          return null;
        }
        out.put(e.getKey().toString(), e.getValue());
      }
      return Collections.unmodifiableMap(out);
    }
    if (isMultiple(v)) {
      return null;
    }
    String text = v.toString().trim().replaceAll("[;,\\s]+$", "");
    for (String entry : MAP_ENTRIES.split(text)) {
      if (entry.isBlank()) {
        continue;
      }
      String[] kv = entry.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) {
        return null;
      }
      out.put(kv[0].trim(), kv[1].trim());
    }
    return Collections.unmodifiableMap(out);
  }

  private static List<Object> elements(Object v) {
    if (v instanceof Collection) {
      return new ArrayList<>((Collection<?>) v);
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < Array.getLength(v); i++) {
      out.add(Array.get(v, i));
    }
    return out;
  }
}
