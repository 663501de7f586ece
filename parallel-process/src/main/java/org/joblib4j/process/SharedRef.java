package org.joblib4j.process;

import java.io.Serializable;

/**
 * Stands for a shared value inside a serialized batch: only its name travels with the batch; a
 * worker JVM replaces it by the value, deserialized once from the blob sent ahead of the batch
 * ({@link SharedBlobs}).
 */
final class SharedRef implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String sha;

  SharedRef(String sha) {
    this.sha = sha;
  }

  String sha() {
    return sha;
  }

  @Override
  public String toString() {
    return "Shared[" + sha.substring(0, 16) + "]";
  }
}
