package org.joblib4j.observation;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of this JVM: those found with {@code ServiceLoader} at first use, and those
 * registered. The engine tells them through {@link #notify}; with none, that costs a check of an
 * empty list.
 */
public final class Observers {
  private static final Logger LOG = LoggerFactory.getLogger(Observers.class);
  private static final CopyOnWriteArrayList<ParallelObserver> ACTIVE =
      new CopyOnWriteArrayList<>(discovered());

  private Observers() {}

  /** An observer's registration: closing it unregisters the observer. */
  public interface Registration extends AutoCloseable {
    /** Unregisters the observer; closing twice does nothing. */
    @Override
    void close();
  }

  private static List<ParallelObserver> discovered() {
    List<ParallelObserver> found = new ArrayList<>();
    try {
      ServiceLoader.load(ParallelObserver.class, Observers.class.getClassLoader())
          .forEach(found::add);
    } catch (java.util.ServiceConfigurationError e) {
      LOG.warn("A ParallelObserver could not be loaded and is ignored: {}", e.toString());
    }
    return found;
  }

  /**
   * Registers an observer until the returned handle is closed.
   *
   * @param observer the observer
   * @return closing it unregisters the observer
   * @throws NullPointerException if {@code observer} is {@code null}
   */
  public static Registration register(ParallelObserver observer) {
    if (observer == null) {
      throw new NullPointerException("observer must not be null");
    }
    ACTIVE.add(observer);
    return () -> ACTIVE.remove(observer);
  }

  /**
   * Whether any observer is registered: the engine builds observations only then.
   *
   * @return true if at least one
   */
  public static boolean any() {
    return !ACTIVE.isEmpty();
  }

  /**
   * Tells every observer; one that throws is logged and removed, and the call goes on.
   *
   * @param event what to tell each
   */
  public static void notify(Consumer<ParallelObserver> event) {
    for (ParallelObserver o : ACTIVE) {
      try {
        event.accept(o);
      } catch (RuntimeException | LinkageError e) {
        ACTIVE.remove(o);
        LOG.warn(
            "The observer {} threw {} and is removed; calls go on without it",
            o.getClass().getName(),
            e.toString());
      }
    }
  }
}
