package org.joblib4j.core.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;

/**
 * Java serialization. Objects shared by many tasks of one batch (a function, a captured array) are
 * written once per batch, as back-references. Large primitive arrays can be diverted to
 * memory-mapped files by a {@link ArraySpiller} ({@code maxNbytes}).
 */
public class JavaTaskSerializer implements TaskSerializer {
  private final ArraySpiller spiller;
  private final ClassLoader loader;

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
    this.spiller = spiller;
    this.loader = loader;
  }

  @Override
  public byte[] serialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (ObjectOutputStream out = new SpillingOutputStream(bytes, spiller)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ResolvingInputStream(new ByteArrayInputStream(bytes), loader)) {
      return in.readObject();
    }
  }

  private static final class SpillingOutputStream extends ObjectOutputStream {
    private final ArraySpiller spiller;

    SpillingOutputStream(OutputStream out, ArraySpiller spiller) throws IOException {
      super(out);
      this.spiller = spiller;
      if (spiller != null) {
        enableReplaceObject(true);
      }
    }

    @Override
    protected Object replaceObject(Object obj) throws IOException {
      Object spilled = spiller.replace(obj);
      return spilled != null ? spilled : obj;
    }
  }

  private static final class ResolvingInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    ResolvingInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
      enableResolveObject(true);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
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
      return obj instanceof SpilledArray ? ((SpilledArray) obj).load() : obj;
    }
  }
}
