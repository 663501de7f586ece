package org.joblib4j.backend.dask;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * Results and task exceptions come from Dask workers, so they are read through an {@link
 * ObjectInputFilter} (JEP 290): a compromised worker must not be able to run a deserialization
 * gadget in the client. The JVM-wide filter ({@code jdk.serialFilter}), when set, applies first.
 */
final class ResultFilter {
  /**
   * The default pattern: limits on the graph, and the classic gadget families refused. Set {@code
   * joblib4j.backend.dask.result-filter} to an allow-list (for example {@code
   * java.base/*;com.acme.**;org.joblib4j.**;!*}) for a stricter policy.
   */
  public static final String DEFAULT_PATTERN =
      "maxdepth=1000;maxrefs=50000000;maxarray=2147483647"
          + ";!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*"
          + ";!org.codehaus.groovy.runtime.*;!groovy.lang.*;!org.springframework.beans.factory.*"
          + ";!com.sun.org.apache.xalan.internal.xsltc.trax.*;!org.apache.xalan.xsltc.trax.*"
          + ";!javax.management.*;!java.rmi.server.*;!sun.rmi.*;!com.sun.rowset.*;!com.sun.jndi.*"
          + ";!org.apache.commons.beanutils.*;!bsh.*;!org.python.core.*;!clojure.*;!com.mchange.v2.c3p0.*";

  private final ObjectInputFilter filter;
  private final String pattern;

  ResultFilter(String pattern) {
    this.pattern = pattern == null ? DEFAULT_PATTERN : pattern;
    ObjectInputFilter own;
    try {
      own = ObjectInputFilter.Config.createFilter(this.pattern);
    } catch (IllegalArgumentException e) {
      throw new org.joblib4j.ParallelConfigurationException(
          "Invalid value '" + pattern + "' for joblib4j.backend.dask.result-filter: " + e.getMessage());
    }
    ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
    this.filter =
        global == null
            ? own
            : info -> {
              ObjectInputFilter.Status g = global.checkInput(info);
              return g == ObjectInputFilter.Status.REJECTED ? g : own.checkInput(info);
            };
  }

  /**
   * Reads an object from bytes a worker sent.
   *
   * @param bytes the bytes
   * @param loader the loader to resolve classes with first, or {@code null}
   * @return the object
   * @throws IOException if the bytes are corrupt or the filter refused a class
   * @throws ClassNotFoundException if a class is missing
   */
  Object read(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new Input(new ByteArrayInputStream(bytes), loader)) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (e.getMessage() != null && e.getMessage().contains("REJECTED")) {
        InvalidClassException x =
            new InvalidClassException(
                e.classname,
                "a result from a Dask worker was refused by the result filter (joblib4j.backend.dask.result-filter = "
                    + pattern
                    + "): "
                    + e.getMessage());
        x.initCause(e);
        throw x;
      }
      throw e;
    }
  }

  private static final class Input extends ObjectInputStream {
    private final ClassLoader loader;

    Input(java.io.InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (loader != null) {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          // the default resolution below
        }
      }
      return super.resolveClass(desc);
    }
  }
}
