package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.joblib4j.examples.library.SquaresReport;
import org.junit.jupiter.api.Test;

class MissionExamplesTest {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final MissionExamples examples =
      new MissionExamples(new PrintStream(buffer, true, StandardCharsets.UTF_8));

  private String printed() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sqrtOfSquaresGivesBackTheIntegers() {
    assertThat(examples.sqrt()).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    assertThat(printed()).startsWith("[0.0, 1.0, 2.0").contains("n_jobs=2");
  }

  @Test
  void negationInsideParallelBackendPrintsWhatThePageShows() {
    assertThat(examples.negation()).containsExactly(-1, -2, -3, -4, -5);
    assertThat(printed()).contains("[-1, -2, -3, -4, -5]").contains("backend=threading, n_jobs=-1");
  }

  @Test
  void aScopeSteersLibraryCodeThatNamesNoBackend() {
    var reports = examples.scopedLibrary();
    long expected = 100L * 101 * 201 / 6;
    assertThat(reports.get(0)).isEqualTo(new SquaresReport(expected, "threading", 2));
    assertThat(reports.get(1).sum()).isEqualTo(expected);
  }

  @Test
  void listsTheInstalledBackends() {
    assertThat(examples.backends()).contains("sequential", "threading");
  }
}
