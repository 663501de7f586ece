package org.joblib4j.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds small jars at test time from classes of this module's test-classes, so a child JVM sees
 * exactly the fixtures it is meant to see and never the whole test-classes directory.
 */
public final class TestJars {
  /** The service file a backend jar registers its provider in. */
  public static final String PROVIDER_SERVICE =
      "META-INF/services/org.joblib4j.spi.BackendProvider";

  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  private TestJars() {}

  /**
   * Starts a jar.
   *
   * @return an empty jar under construction
   */
  public static TestJars jar() {
    return new TestJars();
  }

  /**
   * Adds the class files of classes (with their nested and anonymous classes).
   *
   * @param classes top-level classes of this module's test sources
   * @return this
   */
  public TestJars classes(Class<?>... classes) {
    for (Class<?> c : classes) {
      addClassFiles(c);
    }
    return this;
  }

  /**
   * Adds a {@code META-INF/services/org.joblib4j.spi.BackendProvider} file naming the providers.
   *
   * @param providers the provider classes, also added as class files
   * @return this
   */
  public TestJars providers(Class<?>... providers) {
    classes(providers);
    String lines = Stream.of(providers).map(c -> c.getName() + "\n").collect(Collectors.joining());
    return resource(PROVIDER_SERVICE, lines);
  }

  /**
   * Adds a text resource.
   *
   * @param name the entry's name
   * @param text its content, written as UTF-8
   * @return this
   */
  public TestJars resource(String name, String text) {
    entries.put(name, text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /**
   * Writes the jar.
   *
   * @param file where to write it
   * @return {@code file}
   * @throws IOException if it cannot be written
   */
  public Path writeTo(Path file) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        jar.putNextEntry(new JarEntry(e.getKey()));
        jar.write(e.getValue());
        jar.closeEntry();
      }
    }
    return file;
  }

  private void addClassFiles(Class<?> c) {
    if (c.getEnclosingClass() != null) {
      throw new IllegalArgumentException("Give the top-level class, not " + c.getName());
    }
    Path root = rootOf(c);
    String packageDir = c.getPackageName().replace('.', '/');
    Path dir = root.resolve(packageDir);
    String simple = c.getSimpleName();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> own =
          files
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return n.equals(simple + ".class")
                        || (n.startsWith(simple + "$") && n.endsWith(".class"));
                  })
              .sorted()
              .collect(Collectors.toList());
      for (Path f : own) {
        entries.put(packageDir + "/" + f.getFileName(), Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the class files of " + c.getName(), e);
    }
  }

  private static Path rootOf(Class<?> c) {
    try {
      Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        throw new IllegalStateException(c.getName() + " is not in a classes directory: " + root);
      }
      return root;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
