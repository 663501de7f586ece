package org.joblib4j;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * What a {@link MemmapArray} travels as (to a worker JVM, a cluster worker, through {@code
 * verify}'s round trip): its file, the identity the caller recorded for it, its mode, offset and
 * length. Read back, it maps the same file again ({@link MemmapFiles#reopen}), never a copy, in its
 * mode as {@link MmapMode#whereMappedAgain()} says. Results and task exceptions never carry one:
 * their deserialization filter refuses this class.
 *
 * @param kind the values' type: {@code 'D'} double, {@code 'J'} long, {@code 'I'} int
 * @param path the file's absolute path, as the caller mapped it
 * @param fileKey its device and inode as the caller saw them
 * @param owner its owner as the caller saw it
 * @param mode the array's own mode
 * @param offset where its values start in the file
 * @param length how many values it has
 */
record MemmapReference(
    char kind, String path, String fileKey, String owner, MmapMode mode, long offset, long length)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private Object readResolve() throws ObjectStreamException {
    try {
      return MemmapArray.reopen(this);
    } catch (IOException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      InvalidObjectException x =
          new InvalidObjectException(
              message.startsWith("The memory-mapped array file")
                  ? message
                  : "Could not map the memory-mapped array file "
                      + path
                      + " in mode \""
                      + mode.whereMappedAgain().joblibName()
                      + "\": "
                      + e);
      x.initCause(e);
      throw x;
    }
  }
}
