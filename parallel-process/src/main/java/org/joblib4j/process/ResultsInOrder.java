package org.joblib4j.process;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch's results as they travel back, in one Java serialization stream: written one by one, so
 * that a result the caller has no memory for is known by its place ({@link ResultOutOfMemoryError})
 * and its task can be named. It reads back as the plain list.
 */
public final class ResultsInOrder implements Serializable {
  private static final long serialVersionUID = 1L;

  private transient List<Object> results;

  private ResultsInOrder(List<Object> results) {
    this.results = results;
  }

  /**
   * What to serialize for a batch's results.
   *
   * @param results the results
   * @return the list itself when it has at most one result, else the results one by one
   */
  public static Serializable of(List<Object> results) {
    return results.size() > 1 ? new ResultsInOrder(results) : new ArrayList<>(results);
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeInt(results.size());
    for (Object r : results) {
      out.writeObject(r);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int n = in.readInt();
    if (n < 0) {
      throw new InvalidObjectException("a negative result count: " + n);
    }
    List<Object> read = new ArrayList<>(Math.min(n, 4096));
    for (int i = 0; i < n; i++) {
      try {
        read.add(in.readObject());
      } catch (OutOfMemoryError e) {
        throw new ResultOutOfMemoryError(i, e);
      }
    }
    results = read;
  }

  private Object readResolve() throws ObjectStreamException {
    return results;
  }
}
