package org.joblib4j.process;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.ConfigKeys;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.internal.Setting;
import org.joblib4j.spi.support.ConfigSource;
import org.joblib4j.spi.support.LayeredConfigSource;

/**
 * The {@link ObjectInputFilter} (JEP 290) every backend reads results and task exceptions through:
 * they come from worker JVMs and clusters, which must not be able to run a deserialization gadget
 * in the caller. Three layers, each able to refuse: the JVM-wide filter ({@code jdk.serialFilter})
 * when set, joblib4j's built-in {@link #DEFAULT_DENY_LIST} (and its refusal of memory-mapped
 * arrays, {@code org.joblib4j.MemmapReference}), and the pattern configured under {@link
 * ConfigKeys#DESERIALIZATION_FILTER} ({@code jdk.serialFilter} syntax, so an allow-list ending in
 * {@code !*} is possible). A refusal names the class and the layer that refused it.
 */
public final class DeserializationFilter {
  /**
   * Limits on the graph, and the classic gadget families refused. Always applied: a configured
   * pattern adds to it.
   */
  public static final String DEFAULT_DENY_LIST =
      "maxdepth=1000;maxrefs=50000000;maxarray=2147483647"
          + ";!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*"
          + ";!org.codehaus.groovy.runtime.*;!groovy.lang.*;!org.springframework.beans.factory.*"
          + ";!com.sun.org.apache.xalan.internal.xsltc.trax.*;!org.apache.xalan.xsltc.trax.*"
          + ";!javax.management.*;!java.rmi.server.*;!sun.rmi.*;!com.sun.rowset.*;!com.sun.jndi.*"
          + ";!org.apache.commons.beanutils.*;!bsh.*;!org.python.core.*;!clojure.*;!com.mchange.v2.c3p0.*";

  private static final Layer DEFAULT =
      new Layer(
          ObjectInputFilter.Config.createFilter(DEFAULT_DENY_LIST),
          "joblib4j's built-in deny-list of deserialization gadgets (add to it with "
              + ConfigKeys.DESERIALIZATION_FILTER
              + ")");

  /**
   * Results and task exceptions never carry a memory-mapped array: a worker could otherwise make
   * the caller map a file (the reference's class is refused before it is read).
   */
  private static final Layer NO_MEMMAPS =
      new Layer(
          ObjectInputFilter.Config.createFilter("!org.joblib4j.MemmapReference"),
          "joblib4j's rule that results and task exceptions never travel as memory-mapped arrays"
              + " (a task writes into the MemmapArray it was given and returns something else)");

  private static final DeserializationFilter BUILT_IN =
      new DeserializationFilter(List.of(DEFAULT, NO_MEMMAPS));

  private static volatile ConfigSource source;
  private static volatile Cached cached;

  private final List<Layer> layers;

  private DeserializationFilter(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * The filter this JVM's configuration gives ({@code -Djoblib4j.deserialization-filter}, {@code
   * JOBLIB4J_DESERIALIZATION_FILTER}, {@code joblib4j.properties}); a changed setting takes effect
   * at the next read.
   *
   * @return the filter
   * @throws ParallelConfigurationException if the configured pattern is not a valid one
   */
  public static DeserializationFilter configured() {
    ConfigSource s = source;
    if (s == null) {
      s = LayeredConfigSource.system(DeserializationFilter.class.getClassLoader());
      source = s;
    }
    String pattern = s.get(ConfigKeys.DESERIALIZATION_FILTER);
    pattern = pattern == null || pattern.isBlank() ? null : pattern.trim();
    Cached c = cached;
    if (c != null && java.util.Objects.equals(c.pattern, pattern)) {
      return c.filter;
    }
    DeserializationFilter filter =
        pattern == null
            ? BUILT_IN
            : BUILT_IN.and(
                pattern,
                ConfigKeys.DESERIALIZATION_FILTER,
                s.origin(ConfigKeys.DESERIALIZATION_FILTER));
    cached = new Cached(pattern, filter);
    return filter;
  }

  /**
   * This filter with one more pattern that may refuse (a backend's own option).
   *
   * @param pattern a {@code jdk.serialFilter} pattern, or {@code null} for none
   * @param key the option that gave it, named when it refuses a class
   * @return the filter
   * @throws ParallelConfigurationException if the pattern is not a valid one
   */
  public DeserializationFilter and(String pattern, String key) {
    return pattern == null ? this : and(pattern, key, key);
  }

  private DeserializationFilter and(String pattern, String key, String origin) {
    ObjectInputFilter f;
    try {
      f = ObjectInputFilter.Config.createFilter(pattern);
    } catch (IllegalArgumentException e) {
      throw Setting.invalidValue(
          key,
          origin,
          pattern,
          "a jdk.serialFilter pattern such as java.base/*;com.acme.**;org.joblib4j.**;!* ("
              + e.getMessage()
              + ")");
    }
    List<Layer> more = new ArrayList<>(layers);
    more.add(new Layer(f, key + " = " + pattern));
    return new DeserializationFilter(more);
  }

  /**
   * Reads one object through this filter.
   *
   * @param in a fresh stream over bytes a worker or cluster sent
   * @param what what the bytes are, for the error ("a result from worker JVM 123")
   * @return the object
   * @throws InvalidClassException naming the class and the layer that refused it
   * @throws IOException if the bytes are corrupt
   * @throws ClassNotFoundException if a class is missing
   */
  public Object read(ObjectInputStream in, String what) throws IOException, ClassNotFoundException {
    Check check = install(in);
    try {
      return in.readObject();
    } catch (InvalidClassException e) {
      throw check.explain(e, what);
    }
  }

  /**
   * Puts this filter on a stream before anything is read; {@link Check#explain} turns the stream's
   * refusal into one that says who refused.
   *
   * @param in the stream
   * @return the check installed
   */
  Check install(ObjectInputStream in) {
    Check check = new Check(layers, ObjectInputFilter.Config.getSerialFilter());
    in.setObjectInputFilter(check);
    return check;
  }

  /** One stream's filter: remembers which layer refused, for the error. */
  static final class Check implements ObjectInputFilter {
    private final List<Layer> layers;
    private final ObjectInputFilter global;
    private String refusedBy;
    private Class<?> refusedClass;

    Check(List<Layer> layers, ObjectInputFilter global) {
      this.layers = layers;
      this.global = global;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Status decided = Status.UNDECIDED;
      if (global != null) {
        decided = global.checkInput(info);
        if (decided == Status.REJECTED) {
          return refuse(info, "the JVM-wide serial filter (jdk.serialFilter)");
        }
      }
      for (Layer l : layers) {
        Status s = l.filter.checkInput(info);
        if (s == Status.REJECTED) {
          return refuse(info, l.name);
        }
        if (s == Status.ALLOWED) {
          decided = s;
        }
      }
      return decided;
    }

    private Status refuse(FilterInfo info, String by) {
      if (refusedBy == null) {
        refusedBy = by;
        refusedClass = info.serialClass();
      }
      return Status.REJECTED;
    }

    /** The stream's refusal with the class and the layer named; other errors as they are. */
    InvalidClassException explain(InvalidClassException e, String what) {
      if (refusedBy == null) {
        return e;
      }
      String name = refusedClass != null ? refusedClass.getName() : e.classname;
      InvalidClassException x =
          new InvalidClassException(
              name,
              what
                  + " was refused by "
                  + refusedBy
                  + ": "
                  + (refusedClass != null
                      ? "class " + name + " is not accepted"
                      : "it is past the limits " + limitsOf(refusedBy)));
      x.initCause(e);
      return x;
    }

    private static String limitsOf(String by) {
      return by.startsWith("joblib4j's built-in")
          ? "maxdepth=1000;maxrefs=50000000;maxarray=2147483647"
          : "of that filter";
    }
  }

  private record Layer(ObjectInputFilter filter, String name) {}

  private record Cached(String pattern, DeserializationFilter filter) {}
}
