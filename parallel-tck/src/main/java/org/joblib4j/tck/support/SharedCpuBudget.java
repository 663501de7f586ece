package org.joblib4j.tck.support;

import org.joblib4j.ConfigKeys;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns the shared CPU budget on ({@code joblib4j.cpu-budget=shared}) for each test of a class, and
 * off again after it; a test may clear the property itself to see joblib's behaviour.
 */
public final class SharedCpuBudget implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    System.setProperty(ConfigKeys.CPU_BUDGET, "shared");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.clearProperty(ConfigKeys.CPU_BUDGET);
  }
}
