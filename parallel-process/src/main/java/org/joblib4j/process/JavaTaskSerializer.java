package org.joblib4j.process;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.joblib4j.spi.Batch;

/**
 * Java serialization. Objects shared by many tasks of one batch (a function, a captured array) are
 * written once per batch, as back-references. Large primitive arrays can be diverted to
 * memory-mapped files by a {@link ArraySpiller} ({@code maxNbytes}). Reading resolves such
 * references only through a worker's {@link MappedArrays}; elsewhere they are refused. What comes
 * back from workers is read through {@link #forResults} ({@link DeserializationFilter}). A payload
 * larger than one frame between JVMs carries fails with {@link PayloadTooLargeException} as soon as
 * it passes that size.
 */
public class JavaTaskSerializer implements TaskSerializer {
  private final ArraySpiller spiller;
  private final ClassLoader loader;
  private final boolean shareStatelessFunctions;
  private final DeserializationFilter filter;
  private final MappedArrays arrays;
  private final String from;
  private final long limit;

  /** Plain Java serialization, classes resolved by this class's loader chain. */
  public JavaTaskSerializer() {
    this(null, null);
  }

  /**
   * Java serialization with large arrays spilled to files.
   *
   * @param spiller where large arrays go, or {@code null}
   * @param loader the loader to resolve classes with, or {@code null} for the default
   */
  public JavaTaskSerializer(ArraySpiller spiller, ClassLoader loader) {
    this(spiller, loader, false);
  }

  /**
   * Java serialization for the channel to worker JVMs, where lambdas that capture nothing travel as
   * a {@link StatelessFunction}: serialized once per class here, rebuilt once per worker JVM there
   * (only this class's {@link #deserialize} reads them back).
   *
   * @param spiller where large arrays go, or {@code null}
   * @param loader the loader to resolve classes with, or {@code null} for the default
   * @param shareStatelessFunctions whether to send capture-free lambdas as {@link
   *     StatelessFunction}
   */
  JavaTaskSerializer(ArraySpiller spiller, ClassLoader loader, boolean shareStatelessFunctions) {
    this(spiller, loader, shareStatelessFunctions, FrameChannel.MAX_PAYLOAD);
  }

  /**
   * As {@link #JavaTaskSerializer(ArraySpiller, ClassLoader, boolean)}, with another payload limit
   * (tests reach the limit's handling without gigabytes).
   *
   * @param limit the most bytes {@link #serialize} produces
   */
  JavaTaskSerializer(
      ArraySpiller spiller, ClassLoader loader, boolean shareStatelessFunctions, long limit) {
    this(spiller, loader, shareStatelessFunctions, null, MappedArrays.NONE, null, limit);
  }

  private JavaTaskSerializer(
      ArraySpiller spiller,
      ClassLoader loader,
      boolean shareStatelessFunctions,
      DeserializationFilter filter,
      MappedArrays arrays,
      String from,
      long limit) {
    this.spiller = spiller;
    this.loader = loader;
    this.shareStatelessFunctions = shareStatelessFunctions;
    this.filter = filter;
    this.arrays = arrays;
    this.from = from;
    this.limit = limit;
  }

  /**
   * The reader of results and task exceptions that a worker JVM or a cluster sent: through this
   * JVM's {@link DeserializationFilter#configured()} filter, memory-mapped references refused.
   *
   * @param loader the loader to resolve classes with, or {@code null} for the default
   * @param from where the bytes come from, for errors ("worker JVM 123")
   * @return the reader
   * @throws org.joblib4j.ParallelConfigurationException if the configured filter is invalid
   */
  public static JavaTaskSerializer forResults(ClassLoader loader, String from) {
    return forResults(loader, from, DeserializationFilter.configured());
  }

  /**
   * The reader of results through a given filter.
   *
   * @param loader the loader to resolve classes with, or {@code null} for the default
   * @param from where the bytes come from, for errors
   * @param filter the filter
   * @return the reader
   */
  public static JavaTaskSerializer forResults(
      ClassLoader loader, String from, DeserializationFilter filter) {
    return new JavaTaskSerializer(
        null, loader, false, filter, MappedArrays.NONE, from, FrameChannel.MAX_PAYLOAD);
  }

  /** A worker's reader of batches: their memory-mapped arrays resolve through {@code arrays}. */
  static JavaTaskSerializer forWorker(ClassLoader loader, MappedArrays arrays) {
    return new JavaTaskSerializer(
        null, loader, false, null, arrays, null, FrameChannel.MAX_PAYLOAD);
  }

  /**
   * A cluster executor's reader of the values it was sent (scattered and inline task arguments):
   * memory-mapped array references resolve, each file's array rebuilt once until its folder is
   * deleted ({@link #releaseGoneArrays()}); nothing else of this toolkit's wire forms is read.
   *
   * @return the reader
   */
  public static JavaTaskSerializer forMappedValues() {
    return forWorker(null, MappedArrays.forWorker());
  }

  /** Lets the rebuilt arrays of memory-mapping folders that were deleted go (their calls ended). */
  public void releaseGoneArrays() {
    arrays.releaseGone();
  }

  /** The loader classes are resolved with, or {@code null} for the default. */
  ClassLoader loader() {
    return loader;
  }

  @Override
  public byte[] serialize(Object value) throws IOException {
    return serialize(value, null, null);
  }

  /**
   * Serializes a value, writing its shared parts as references.
   *
   * @param value the value
   * @param sharing the call's shared values, or {@code null}
   * @param refs collects the blobs the bytes refer to (with {@code sharing})
   * @return the bytes
   * @throws IOException if part of it cannot be serialized
   */
  byte[] serialize(Object value, SharedValues sharing, Set<SharedBlob> refs) throws IOException {
    CappedBuffer bytes = new CappedBuffer(512, limit);
    try (ObjectOutputStream out =
        new SpillingOutputStream(bytes, spiller, shareStatelessFunctions, sharing, refs)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * Serializes values one after another into one stream that keeps nothing, as {@link #serialize}
   * would write them in a list (what they share is counted once): finds the value that makes a
   * payload too large, and its size, without holding a byte of it.
   *
   * @param values the values
   * @param stopAbove stop after the value that takes the total past this
   * @param sharing the call's shared values (written as references), or {@code null}
   * @return the total bytes after each value written
   * @throws IOException if a value cannot be serialized
   */
  long[] measure(List<?> values, long stopAbove, SharedValues sharing) throws IOException {
    Counter counter = new Counter();
    long[] totals = new long[values.size()];
    try (ObjectOutputStream out =
        new SpillingOutputStream(
            counter, spiller, shareStatelessFunctions, sharing, new HashSet<>())) {
      for (int i = 0; i < totals.length; i++) {
        out.writeObject(values.get(i));
        out.flush();
        totals[i] = counter.count;
        if (totals[i] > stopAbove) {
          return Arrays.copyOf(totals, i + 1);
        }
      }
    }
    return totals;
  }

  /** Counts bytes and drops them. */
  private static final class Counter extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  @Override
  public Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    return read(bytes);
  }

  private Object read(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ResolvingInputStream(new ByteArrayInputStream(bytes), this)) {
      return filter == null
          ? in.readObject()
          : filter.read(in, "A result or exception from " + from);
    }
  }

  private static final class SpillingOutputStream extends ObjectOutputStream {
    private final ArraySpiller spiller;
    private final boolean shareStatelessFunctions;
    private final SharedValues sharing;
    private final Set<SharedBlob> refs;

    SpillingOutputStream(
        OutputStream out,
        ArraySpiller spiller,
        boolean shareStatelessFunctions,
        SharedValues sharing,
        Set<SharedBlob> refs)
        throws IOException {
      super(out);
      this.spiller = spiller;
      this.shareStatelessFunctions = shareStatelessFunctions;
      this.sharing = sharing;
      this.refs = refs;
      // always: a batch, a plain value, travels as its serialized form
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) throws IOException {
      if (obj instanceof Batch) {
        return new BatchForm((Batch) obj);
      }
      Object replaced = sharing == null ? null : sharing.replace(obj, refs);
      if (replaced == null && spiller != null) {
        replaced = spiller.replace(obj);
      }
      if (replaced == null && shareStatelessFunctions) {
        replaced = StatelessFunction.of(obj);
      }
      return replaced != null ? replaced : obj;
    }
  }

  private static final class ResolvingInputStream extends ObjectInputStream {
    private final JavaTaskSerializer reader;
    private final ClassLoader loader;

    ResolvingInputStream(InputStream in, JavaTaskSerializer reader) throws IOException {
      super(in);
      this.reader = reader;
      this.loader = reader.loader;
      enableResolveObject(true);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // fall back to the default resolution (primitives, the caller's loader)
        }
      }
      return super.resolveClass(desc);
    }

    @Override
    protected Object resolveObject(Object obj) throws IOException {
      if (obj instanceof StatelessFunction) {
        try {
          return ((StatelessFunction) obj).resolve(this::readNested);
        } catch (ClassNotFoundException e) {
          InvalidClassException error =
              new InvalidClassException("a function's class is missing: " + e.getMessage());
          error.initCause(e);
          throw error;
        }
      }
      if (obj instanceof SharedRef) {
        try {
          return SharedBlobs.resolve(((SharedRef) obj).sha(), this::readNested);
        } catch (ClassNotFoundException e) {
          InvalidClassException error =
              new InvalidClassException("a shared value's class is missing: " + e.getMessage());
          error.initCause(e);
          throw error;
        }
      }
      if (obj instanceof InlineValue) {
        try {
          return readNested(((InlineValue) obj).bytes());
        } catch (ClassNotFoundException e) {
          InvalidClassException error =
              new InvalidClassException("a task argument's class is missing: " + e.getMessage());
          error.initCause(e);
          throw error;
        }
      }
      return obj instanceof SpilledArray ? reader.arrays.load((SpilledArray) obj) : obj;
    }

    /**
     * Reads a value serialized on its own (a function, a shared or inline value) as the outer
     * stream is read: same loader, same filter.
     */
    private Object readNested(byte[] bytes) throws IOException, ClassNotFoundException {
      return reader.read(bytes);
    }
  }
}
