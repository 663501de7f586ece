package org.joblib4j.core.parallel;

import java.util.List;
import org.joblib4j.Backends;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs {@link ThreadPoolDouble} under the name {@code threading} for a test class, so the
 * engine's rules that name that backend (the JVM's default, the nested default, the fallback of
 * {@code require=sharedmem}) run as they do when the threading jar is on the classpath. Removed
 * after the class: core's other tests check what happens without it.
 */
public final class ThreadingDouble implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Backends.register(
        "threading",
        backendContext -> {
          backendContext.rejectUnknown(List.of());
          return new ThreadPoolDouble();
        },
        false);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Backends.unregister("threading");
  }
}
