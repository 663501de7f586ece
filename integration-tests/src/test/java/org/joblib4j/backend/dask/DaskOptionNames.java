package org.joblib4j.backend.dask;

import java.util.Set;
import java.util.TreeSet;
import org.joblib4j.process.WorkerOptionsParser;

/**
 * The option names the {@code dask} backend accepts, for tests of other modules: {@link
 * DaskOptions}' lists are package-private, so this class sits in their package (in this module's
 * test sources) and reads them rather than copying them.
 */
public final class DaskOptionNames {
  private DaskOptionNames() {}

  /**
   * Returns every name {@link DaskOptions#of} accepts: its session and call keys and the old names
   * it reads as aliases.
   *
   * @return the names, sorted
   */
  public static Set<String> accepted() {
    Set<String> names = new TreeSet<>(DaskOptions.SESSION_KEYS);
    names.addAll(DaskOptions.CALL_KEYS);
    names.addAll(WorkerOptionsParser.ALIASES.keySet());
    return names;
  }
}
