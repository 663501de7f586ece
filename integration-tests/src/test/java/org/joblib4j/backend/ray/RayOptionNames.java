package org.joblib4j.backend.ray;

import java.util.Set;
import java.util.TreeSet;
import org.joblib4j.process.SharingOptions;

/**
 * The option names the {@code ray} backend accepts, for tests of other modules: {@link RayOptions}'
 * lists are package-private, so this class sits in their package (in this module's test sources)
 * and reads them rather than copying them.
 */
public final class RayOptionNames {
  private RayOptionNames() {}

  /**
   * Returns every name {@link RayOptions#from} accepts: its keys, the sharing options and the old
   * names it reads as aliases.
   *
   * @return the names, sorted
   */
  public static Set<String> accepted() {
    Set<String> names = new TreeSet<>(RayOptions.KEYS);
    names.addAll(SharingOptions.KEYS);
    names.addAll(RayOptions.ALIASES.keySet());
    return names;
  }
}
