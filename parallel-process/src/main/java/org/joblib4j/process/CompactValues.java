package org.joblib4j.process;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.StreamCorruptedException;

/**
 * A compact wire form for the values tasks most often take and return: {@code null}, boxed
 * primitives and short strings, written as a one-byte tag and the raw value instead of a Java
 * serialization record (a class descriptor reference and a handle each, and reflection to read it
 * back). Process backends use it for task arguments and results; any other value goes through Java
 * serialization ({@link #writeValue}), so sharing, spilling of large arrays and custom
 * serialization keep working.
 *
 * <p>Strings longer than {@link #MAX_STRING_CHARS} characters are not compact: Java serialization
 * writes a string shared by many tasks of a batch once, this form would repeat it.
 */
final class CompactValues {
  /** Longer strings are left to Java serialization. */
  public static final int MAX_STRING_CHARS = 64;

  private static final byte NULL = 0;
  private static final byte INTEGER = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte FLOAT = 4;
  private static final byte SHORT = 5;
  private static final byte BYTE = 6;
  private static final byte CHARACTER = 7;
  private static final byte TRUE = 8;
  private static final byte FALSE = 9;
  private static final byte STRING = 10;

  /** A Java-serialized object follows (only through {@link #writeValue}). */
  private static final byte OBJECT = 127;

  private CompactValues() {}

  /**
   * Whether a value has a compact form.
   *
   * @param value the value
   * @return true for {@code null}, a boxed primitive, or a string of at most {@link
   *     #MAX_STRING_CHARS} characters
   */
  public static boolean isCompact(Object value) {
    return tagOf(value) >= 0;
  }

  /** The tag of a value's compact form, or -1 when it has none. */
  private static int tagOf(Object value) {
    if (value == null) {
      return NULL;
    }
    Class<?> c = value.getClass();
    int tag =
        c == Integer.class
            ? INTEGER
            : c == Long.class
                ? LONG
                : c == Double.class
                    ? DOUBLE
                    : c == String.class
                        ? STRING
                        : c == Boolean.class
                            ? ((Boolean) value ? TRUE : FALSE)
                            : c == Float.class
                                ? FLOAT
                                : c == Short.class
                                    ? SHORT
                                    : c == Byte.class
                                        ? BYTE
                                        : c == Character.class ? CHARACTER : -1;
    return tag == STRING && ((String) value).length() > MAX_STRING_CHARS ? -1 : tag;
  }

  /**
   * Writes a compact value.
   *
   * @param out where to
   * @param value a value for which {@link #isCompact} is true
   * @throws IOException if writing fails
   * @throws IllegalArgumentException if the value has no compact form
   */
  public static void write(DataOutput out, Object value) throws IOException {
    int tag = tagOf(value);
    if (tag < 0) {
      throw new IllegalArgumentException(value.getClass().getName() + " has no compact form");
    }
    out.writeByte(tag);
    switch (tag) {
      case INTEGER:
        out.writeInt((Integer) value);
        break;
      case LONG:
        out.writeLong((Long) value);
        break;
      case DOUBLE:
        out.writeDouble((Double) value);
        break;
      case STRING:
        // UTF-16 code units as they are: exact for any string, unpaired surrogates included
        out.writeByte(((String) value).length());
        out.writeChars((String) value);
        break;
      case FLOAT:
        out.writeFloat((Float) value);
        break;
      case SHORT:
        out.writeShort((Short) value);
        break;
      case BYTE:
        out.writeByte((Byte) value);
        break;
      case CHARACTER:
        out.writeChar((Character) value);
        break;
      default:
        // null, true, false: the tag says it all
        break;
    }
  }

  /**
   * Reads a value written by {@link #write}.
   *
   * @param in where from
   * @return the value
   * @throws IOException if reading fails or the bytes are not a compact value
   */
  public static Object read(DataInput in) throws IOException {
    return read(in, in.readByte());
  }

  private static Object read(DataInput in, byte tag) throws IOException {
    switch (tag) {
      case NULL:
        return null;
      case INTEGER:
        return in.readInt();
      case LONG:
        return in.readLong();
      case DOUBLE:
        return in.readDouble();
      case STRING:
        char[] chars = new char[in.readUnsignedByte()];
        for (int i = 0; i < chars.length; i++) {
          chars[i] = in.readChar();
        }
        return new String(chars);
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case FLOAT:
        return in.readFloat();
      case SHORT:
        return in.readShort();
      case BYTE:
        return in.readByte();
      case CHARACTER:
        return in.readChar();
      default:
        throw new StreamCorruptedException("not a compact value: tag " + tag);
    }
  }

  /**
   * Writes any value: compactly when it can, else Java-serialized.
   *
   * @param out where to
   * @param value the value
   * @throws IOException if writing fails, or the value cannot be serialized
   */
  public static void writeValue(ObjectOutput out, Object value) throws IOException {
    if (tagOf(value) >= 0) {
      write(out, value);
    } else {
      out.writeByte(OBJECT);
      out.writeObject(value);
    }
  }

  /**
   * Reads a value written by {@link #writeValue}.
   *
   * @param in where from
   * @return the value
   * @throws IOException if reading fails
   * @throws ClassNotFoundException if a Java-serialized value's class is missing
   */
  public static Object readValue(ObjectInput in) throws IOException, ClassNotFoundException {
    byte tag = in.readByte();
    return tag == OBJECT ? in.readObject() : read(in, tag);
  }
}
