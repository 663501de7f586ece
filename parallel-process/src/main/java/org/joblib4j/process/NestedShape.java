package org.joblib4j.process;

import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * The depth and row lengths of a nested primitive array, in depth-first order (each array's length,
 * then its rows'), so a worker can rebuild the same shape, ragged rows included, from the flat leaf
 * data.
 */
final class NestedShape {
  private final int[] lengths;
  private final long elements;

  private NestedShape(int[] lengths, long elements) {
    this.lengths = lengths;
    this.elements = elements;
  }

  /**
   * Reads the shape of an array {@code depth} levels above its primitive rows.
   *
   * @return the shape, or {@code null} when a row is {@code null} (such an array travels as usual)
   */
  static NestedShape of(Object array, int depth) {
    int[][] out = {new int[16]};
    out[0][0] = depth;
    int[] size = {1};
    long[] elements = {0};
    return collect(array, depth, out, size, elements)
        ? new NestedShape(Arrays.copyOf(out[0], size[0]), elements[0])
        : null;
  }

  private static boolean collect(
      Object array, int depth, int[][] out, int[] size, long[] elements) {
    if (array == null) {
      return false;
    }
    int length = Array.getLength(array);
    if (size[0] == out[0].length) {
      out[0] = Arrays.copyOf(out[0], size[0] * 2);
    }
    out[0][size[0]++] = length;
    if (depth == 0) {
      elements[0] += length;
      return true;
    }
    for (Object row : (Object[]) array) {
      if (!collect(row, depth - 1, out, size, elements)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rebuilds a nested array of the recorded shape from its flat leaf data.
   *
   * @param flat the leaves' elements, in order (a primitive array)
   * @param lengths what {@link #of} recorded: the depth, then the depth-first lengths
   * @return the nested array, a real Java array of arrays
   */
  static Object rebuild(Object flat, int[] lengths) {
    int depth = lengths[0];
    Class<?> type = flat.getClass();
    for (int i = 0; i < depth; i++) {
      type = type.arrayType();
    }
    int[] cursor = {1, 0};
    return build(flat, lengths, type, cursor);
  }

  private static Object build(Object flat, int[] lengths, Class<?> type, int[] cursor) {
    int length = lengths[cursor[0]++];
    Class<?> component = type.getComponentType();
    if (component.isPrimitive()) {
      Object row = Array.newInstance(component, length);
      System.arraycopy(flat, cursor[1], row, 0, length);
      cursor[1] += length;
      return row;
    }
    Object[] rows = (Object[]) Array.newInstance(component, length);
    for (int i = 0; i < length; i++) {
      rows[i] = build(flat, lengths, component, cursor);
    }
    return rows;
  }

  int[] lengths() {
    return lengths;
  }

  long elements() {
    return elements;
  }
}
