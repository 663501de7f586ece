package org.joblib4j.process;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a batch's results: when every result has a {@link CompactValues} form (no-op and
 * numeric tasks, short strings), a compact list, {@code [1][int n][n values]}, written and read
 * without Java serialization; otherwise the Java-serialized list, as {@link ResultsInOrder} when it
 * has more than one result (which starts with the stream magic {@code 0xACED}, so the two cannot be
 * confused). Worker JVMs write it and the caller reads it; the {@code verify} backend puts results
 * through both on threads.
 */
public final class ResultsCodec {
  private static final byte COMPACT = 1;

  private ResultsCodec() {}

  /**
   * Encodes a batch's results.
   *
   * @param results the results
   * @param serializer the fallback for results without a compact form
   * @return the payload
   * @throws IOException if a result cannot be serialized
   */
  public static byte[] encode(List<Object> results, TaskSerializer serializer) throws IOException {
    for (Object r : results) {
      if (!CompactValues.isCompact(r)) {
        // one by one, so a result the caller cannot read is known by its task
        return serializer.serialize(ResultsInOrder.of(results));
      }
    }
    ByteSink out = new ByteSink(5 + 9 * results.size());
    try {
      out.writeByte(COMPACT);
      out.writeInt(results.size());
      for (Object r : results) {
        CompactValues.write(out, r);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out.toByteArray();
  }

  /**
   * Decodes a payload: a compact list, or any Java-serialized object (a list, an exception).
   *
   * @param payload the payload
   * @param serializer what reads a Java-serialized payload
   * @return the object
   * @throws IOException if the payload is corrupt
   * @throws ClassNotFoundException if a class of a Java-serialized payload is missing
   */
  public static Object decode(byte[] payload, TaskSerializer serializer)
      throws IOException, ClassNotFoundException {
    if (payload.length == 0 || payload[0] != COMPACT) {
      return serializer.deserialize(payload);
    }
    ByteSource in = new ByteSource(payload, 1);
    int n = in.readInt();
    if (n < 0 || n > in.remaining()) {
      throw new StreamCorruptedException(
          "corrupt compact results: " + n + " values in " + in.remaining() + " bytes");
    }
    List<Object> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(CompactValues.read(in));
    }
    if (in.remaining() != 0) {
      throw new StreamCorruptedException(
          "corrupt compact results: " + in.remaining() + " bytes after the values");
    }
    return results;
  }
}
