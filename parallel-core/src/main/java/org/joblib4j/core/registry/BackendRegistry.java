package org.joblib4j.core.registry;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.joblib4j.UnknownBackendException;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendFactory;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.ParallelBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that calls {@link ServiceLoader} for backends, plus run-time registrations ({@code
 * Backends.register}). A provider that fails to load is logged and remembered (it shows in "unknown
 * backend" errors) while the others load; two providers with one name make that name an error that
 * names both classes and jars.
 */
public final class BackendRegistry {
  /** The backend used when nothing else is chosen and {@code threading} is missing. */
  public static final String SEQUENTIAL = "sequential";

  /** The default backend. */
  public static final String THREADING = "threading";

  private static final Logger LOG = LoggerFactory.getLogger(BackendRegistry.class);

  private final Map<String, List<DiscoveredProvider>> discovered;
  private final List<String> failures;
  private final Map<String, BackendFactory> registered = new ConcurrentHashMap<>();
  private volatile String registeredDefault;
  private final AtomicBoolean warnedNoThreading = new AtomicBoolean();

  BackendRegistry(Map<String, List<DiscoveredProvider>> discovered, List<String> failures) {
    this.discovered = discovered;
    this.failures = List.copyOf(failures);
  }

  /**
   * Loads every provider visible to a class loader.
   *
   * @param classLoader the loader
   * @return the registry
   */
  public static BackendRegistry load(ClassLoader classLoader) {
    Map<String, List<DiscoveredProvider>> found = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    Iterator<BackendProvider> it =
        ServiceLoader.load(BackendProvider.class, classLoader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        BackendProvider p = it.next();
        if (p.spiVersion() != BackendProvider.SPI_VERSION) {
          String failure =
              p.getClass().getName()
                  + ": targets SPI "
                  + p.spiVersion()
                  + " but this parallel-core supports SPI "
                  + BackendProvider.SPI_VERSION;
          LOG.warn("Backend provider is ignored: {}", failure);
          failures.add(failure);
          continue;
        }
        found.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(DiscoveredProvider.of(p));
      } catch (ServiceConfigurationError e) {
        String failure = describeFailure(e);
        LOG.warn("Backend provider failed to load and is ignored: {}", failure, e);
        failures.add(failure);
      }
    }
    found.forEach(
        (name, providers) -> {
          if (providers.size() > 1) {
            LOG.error(duplicateMessage(name, providers));
          }
        });
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "Discovered parallel backends: {}",
          found.values().stream()
              .map(l -> l.get(0).provider().name() + " (" + l.get(0).location() + ")")
              .collect(Collectors.toList()));
    }
    return new BackendRegistry(found, failures);
  }

  private static String describeFailure(ServiceConfigurationError e) {
    // "org.joblib4j.spi.BackendProvider: Provider com.x.Y could not be instantiated" + cause
    String message = e.getMessage() == null ? "" : e.getMessage();
    String provider = message;
    int i = message.indexOf("Provider ");
    if (i >= 0) {
      String rest = message.substring(i + "Provider ".length());
      int space = rest.indexOf(' ');
      provider = space < 0 ? rest : rest.substring(0, space);
    }
    Throwable root = e.getCause() == null ? e : e.getCause();
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return provider + ": " + root;
  }

  private static String duplicateMessage(String name, List<DiscoveredProvider> providers) {
    return "Duplicate parallel backend name '"
        + name
        + "': provided by "
        + providers.stream().map(DiscoveredProvider::describe).collect(Collectors.joining(" and "))
        + ". Remove one of the jars from the classpath.";
  }

  /**
   * Registers a factory at run time; it hides a jar's backend of the same name.
   *
   * @param name the name
   * @param factory the factory
   * @param makeDefault whether it becomes the default
   */
  public void register(String name, BackendFactory factory, boolean makeDefault) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A backend name must not be empty");
    }
    registered.put(name, factory);
    if (makeDefault) {
      registeredDefault = name;
    }
  }

  /**
   * Removes a run-time registration.
   *
   * @param name the name
   * @return whether one was removed
   */
  public boolean unregister(String name) {
    boolean removed = registered.remove(name) != null;
    if (name.equals(registeredDefault)) {
      registeredDefault = null;
    }
    return removed;
  }

  /**
   * Whether a name can be created.
   *
   * @param name the name
   * @return true if registered or discovered
   */
  public boolean has(String name) {
    return registered.containsKey(name) || discovered.containsKey(name);
  }

  /**
   * Why a backend cannot run in this JVM, as its provider says (run-time registrations always can).
   *
   * @param name the name
   * @return the reason, or empty
   */
  public Optional<String> unavailableReason(String name) {
    if (registered.containsKey(name)) {
      return Optional.empty();
    }
    List<DiscoveredProvider> providers = discovered.get(name);
    return providers == null || providers.size() != 1
        ? Optional.empty()
        : providers.get(0).provider().unavailableReason();
  }

  /**
   * Returns every available name.
   *
   * @return the sorted names
   */
  public List<String> available() {
    TreeSet<String> names = new TreeSet<>(discovered.keySet());
    names.addAll(registered.keySet());
    return List.copyOf(names);
  }

  /**
   * Returns the default backend's name: a run-time default, else {@code threading}, else {@code
   * sequential} (with one warning naming the missing artifact).
   *
   * @return the name
   */
  public String defaultName() {
    String d = registeredDefault;
    if (d != null) {
      return d;
    }
    if (has(THREADING)) {
      return THREADING;
    }
    if (warnedNoThreading.compareAndSet(false, true)) {
      LOG.warn(
          "No 'threading' backend on the classpath: Parallel runs tasks sequentially. Add the"
              + " artifact "
              + WellKnownBackends.artifactOf(THREADING)
              + " to run them in parallel.");
    }
    return SEQUENTIAL;
  }

  /**
   * Creates a backend.
   *
   * @param name the name
   * @param context its parameters
   * @return a new backend
   * @throws UnknownBackendException if no backend has that name
   * @throws IllegalStateException if two jars provide it
   */
  public ParallelBackend create(String name, BackendContext context) {
    BackendFactory factory = registered.get(name);
    if (factory == null) {
      List<DiscoveredProvider> providers = discovered.get(name);
      if (providers == null) {
        throw unknown(name);
      }
      if (providers.size() > 1) {
        throw new IllegalStateException(duplicateMessage(name, providers));
      }
      factory = providers.get(0).provider();
    }
    ParallelBackend backend = factory.create(context);
    if (backend == null) {
      throw new IllegalStateException(
          "The factory of backend '" + name + "' returned null instead of a backend.");
    }
    return backend;
  }

  /**
   * Builds joblib's "Invalid backend" error, naming the artifact for a well-known name.
   *
   * @param name the unknown name
   * @return the exception
   */
  public UnknownBackendException unknown(String name) {
    List<String> names = available();
    StringBuilder m =
        new StringBuilder("Invalid backend: ")
            .append(name)
            .append(", expected one of ")
            .append(oneOf(names));
    String artifact = WellKnownBackends.artifactOf(name);
    if (artifact != null) {
      m.append(". The \"")
          .append(name)
          .append("\" backend is provided by the artifact ")
          .append(artifact)
          .append(": add it to the classpath.");
    }
    if (!failures.isEmpty()) {
      m.append(artifact != null ? " " : ". ")
          .append("Backend providers that failed to load: ")
          .append(String.join("; ", failures));
    }
    return new UnknownBackendException(m.toString(), name, names);
  }

  // Java's words for joblib's Python list: "a", "b" or "c".
  private static String oneOf(List<String> names) {
    List<String> quoted = names.stream().map(n -> "\"" + n + "\"").collect(Collectors.toList());
    if (quoted.size() < 2) {
      return String.join("", quoted);
    }
    return String.join(", ", quoted.subList(0, quoted.size() - 1))
        + " or "
        + quoted.get(quoted.size() - 1);
  }
}
