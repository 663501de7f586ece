package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload's Python, when it cannot do its work: the error says what and what to do. */
class GcsPackagesTest {
  @TempDir Path folder;

  @Test
  void aMissingPythonIsNamedWithTheOptionToSet() {
    assertThatThrownBy(() -> GcsPackages.open("/nonexistent/python3", "10.0.0.5:6379", folder))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Cannot start /nonexistent/python3 to upload the classpath to the Ray cluster at"
                + " 10.0.0.5:6379 (")
        .hasMessageEndingWith(
            "). Set joblib4j.backend.ray.python to a Python that has ray==2.58.0, or"
                + " classpath-mode=shared when every node has this JVM's jars at the same paths.");
  }

  @Test
  void aPythonWithoutRayFailsWithItsOwnWords() {
    // Debian's python3 has no ray
    assertThatThrownBy(() -> GcsPackages.open("/usr/bin/python3", "10.0.0.5:6379", folder))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Could not connect to the cluster's GCS through /usr/bin/python3 (Ray's Python client,"
                + " needed to ship the classpath to the Ray cluster at 10.0.0.5:6379): it ended. Its"
                + " output:\n")
        .hasMessageContaining("ModuleNotFoundError: No module named 'ray'")
        .hasMessageEndingWith(
            "\nCheck that the address is the cluster's GCS, that this Python has ray==2.58.0"
                + " (joblib4j.backend.ray.python), or use classpath-mode=shared when every node has"
                + " this JVM's jars at the same paths.");
  }
}
