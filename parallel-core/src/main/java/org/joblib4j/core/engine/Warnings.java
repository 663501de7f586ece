package org.joblib4j.core.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** joblib's {@code warnings.warn}: WARN messages on the logger {@code org.joblib4j.Parallel}. */
final class Warnings {
  static final Logger LOG = LoggerFactory.getLogger("org.joblib4j.Parallel");

  private Warnings() {}

  static void warn(String message) {
    LOG.warn(message);
  }
}
