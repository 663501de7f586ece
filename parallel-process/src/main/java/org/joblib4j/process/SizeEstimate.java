package org.joblib4j.process;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cheap lower bound of an object graph's serialized size: primitive arrays, strings, collections
 * and fields are counted until the bound is reached or a few hundred objects were seen. It decides
 * whether a task argument is worth serializing on its own to be shared ({@link SharedValues}), so
 * the usual small, distinct arguments cost a few field reads instead of a second serialization.
 */
final class SizeEstimate {
  /** Objects looked at before the graph counts as large (it has many parts). */
  static final int MAX_NODES = 256;

  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> out = new ArrayList<>();
          if (type.getName().startsWith("java.") || type.getName().startsWith("javax.")) {
            return out; // closed to reflection; collections and maps are walked through their API
          }
          for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
              if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
                continue;
              }
              try {
                f.setAccessible(true);
                out.add(f);
              } catch (RuntimeException e) {
                // a closed module: not counted
              }
            }
          }
          return out;
        }
      };

  private SizeEstimate() {}

  /**
   * Whether an object's serialized form is probably at least this big.
   *
   * @param root the object
   * @param bytes the bound
   * @return true once the counted bytes reach the bound, or when the graph has more than {@link
   *     #MAX_NODES} objects
   */
  static boolean atLeast(Object root, long bytes) {
    // the usual argument is a record of a few numbers and strings: count its leaves directly
    List<Field> fields = root.getClass().isArray() ? null : FIELDS.get(root.getClass());
    if (fields != null
        && !(root instanceof Collection)
        && !(root instanceof Map)
        && flat(root, fields, bytes)) {
      return false;
    }
    long counted = 0;
    int nodes = 0;
    ArrayDeque<Object> todo = new ArrayDeque<>();
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      Object o = todo.poll();
      if (seen.put(o, Boolean.TRUE) != null) {
        continue;
      }
      if (++nodes > MAX_NODES) {
        return true;
      }
      Class<?> c = o.getClass();
      long primitive = SharedValues.primitiveArrayBytes(o);
      if (primitive >= 0) {
        counted += primitive;
      } else if (o instanceof String) {
        counted += ((String) o).length();
      } else if (c.isArray()) {
        int n = Array.getLength(o);
        counted += 4L * n;
        for (int i = 0; i < n && todo.size() < MAX_NODES; i++) {
          add(todo, Array.get(o, i));
        }
      } else if (o instanceof Collection) {
        counted += 4L * ((Collection<?>) o).size();
        for (Object e : (Collection<?>) o) {
          if (todo.size() >= MAX_NODES) {
            break;
          }
          add(todo, e);
        }
      } else if (o instanceof Map) {
        counted += 8L * ((Map<?, ?>) o).size();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
          if (todo.size() >= MAX_NODES) {
            break;
          }
          add(todo, e.getKey());
          add(todo, e.getValue());
        }
      } else {
        for (Field f : FIELDS.get(c)) {
          if (f.getType().isPrimitive()) {
            counted += 8;
            continue;
          }
          try {
            add(todo, f.get(o));
          } catch (IllegalAccessException | RuntimeException e) {
            // not readable: not counted
          }
        }
      }
      if (counted >= bytes) {
        return true;
      }
    }
    return false;
  }

  /** Whether an object's fields are all primitives, boxed numbers and strings, together small. */
  private static boolean flat(Object o, List<Field> fields, long bytes) {
    long counted = 0;
    for (Field f : fields) {
      if (f.getType().isPrimitive()) {
        counted += 8;
        continue;
      }
      Object v;
      try {
        v = f.get(o);
      } catch (IllegalAccessException | RuntimeException e) {
        continue;
      }
      if (v instanceof String) {
        counted += ((String) v).length();
      } else if (v != null
          && !(v instanceof Number)
          && !(v instanceof Boolean)
          && !(v instanceof Character)
          && !(v instanceof Enum)) {
        return false;
      }
    }
    return counted < bytes;
  }

  private static void add(ArrayDeque<Object> todo, Object o) {
    if (o != null) {
      todo.add(o);
    }
  }
}
