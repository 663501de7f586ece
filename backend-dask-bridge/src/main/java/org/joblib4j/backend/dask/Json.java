package org.joblib4j.backend.dask;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the bridge exchanges with its Python side (maps, lists, text, numbers, booleans),
 * read and written by Gson.
 */
final class Json {
  /** Whole numbers read as {@link Long}, others as {@link Double}; {@code null} values kept. */
  private static final Gson GSON =
      new GsonBuilder()
          .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
          .serializeNulls()
          .disableHtmlEscaping()
          .create();

  private Json() {}

  /**
   * Parses a document that must be an object.
   *
   * @param text the JSON text
   * @return the object: its values are maps, lists, {@link String}, {@link Long}, {@link Double},
   *     {@link Boolean} or {@code null}
   * @throws IllegalArgumentException if the text is not a JSON object
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    Object v;
    try {
      v = GSON.fromJson(text, Object.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage() + ": " + text, e);
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, got: " + text);
    }
    return (Map<String, Object>) v;
  }

  /**
   * Writes a value.
   *
   * @param value maps, collections, arrays of objects, text, numbers, booleans or {@code null};
   *     anything else is written as its {@code toString()} (a path, a duration)
   * @return the JSON text
   * @throws IllegalArgumentException for a number JSON cannot hold (NaN, infinite)
   */
  static String write(Object value) {
    return GSON.toJson(plain(value));
  }

  /** The value as JSON's own kinds, so Gson never serializes an object by reflection. */
  private static Object plain(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      return v;
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof Collection || v instanceof Object[]) {
      Collection<?> c = v instanceof Collection ? (Collection<?>) v : Arrays.asList((Object[]) v);
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(x -> out.add(plain(x)));
      return out;
    }
    return v.toString();
  }
}
